import { BoundedWrites, type ExportTarget, imagePathOf, stemPathOf, writeTo } from './export-files';
import type { ExportImage, ExportReading, ExportTally } from './export-lines';

/** Where the annotation files and the image sets go, as in the VOC devkit's layout. */
export const VOC_FILES = {
  annotations: 'Annotations/',
  train: 'ImageSets/Main/train.txt',
  val: 'ImageSets/Main/val.txt',
} as const;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as XML character data. The five special characters become entities; characters XML 1.0
 * forbids even as references (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF)
 * become U+FFFD, and so do C1 controls, which it discourages.
 */
export const escapeXml = (text: string): string =>
  text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/[\p{Cc}\ufffe\uffff]/gu, (c) => (c === '\t' || c === '\n' || c === '\r' ? c : '\ufffd'))
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** The image's annotation file: `Annotations/<bucket>/<key without extension>.xml`. */
export const vocAnnotationPath = (sourceRef: string): string => `${VOC_FILES.annotations}${stemPathOf(sourceRef)}.xml`;

const element = (name: string, value: string | number): string => `<${name}>${escapeXml(String(value))}</${name}>`;

/**
 * One image in Pascal VOC's annotation format. Corners are whole pixels, `xmax = left + width`
 * (0-based, as CVAT and Label Studio export); `path` is where the image is (its S3 URI), never
 * a copy; `folder` and `filename` are its path in a copy of the bucket.
 */
export const vocXml = (image: ExportImage): string => {
  const path = imagePathOf(image.sourceRef);
  const slash = path.lastIndexOf('/');
  const objects = image.boxes.map(
    (box) =>
      `  <object>${element('name', box.label)}<pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>` +
      `<bndbox>${element('xmin', box.left)}${element('ymin', box.top)}${element('xmax', box.left + box.width)}${element('ymax', box.top + box.height)}</bndbox></object>\n`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n<annotation>\n',
    `  ${element('folder', path.slice(0, slash))}\n  ${element('filename', path.slice(slash + 1))}\n`,
    `  ${element('path', image.sourceRef)}\n  <source><database>labeling-pipeline</database></source>\n`,
    `  <size>${element('width', image.width)}${element('height', image.height)}${element('depth', image.depth)}</size>\n`,
    '  <segmented>0</segmented>\n',
    ...objects,
    '</annotation>\n',
  ].join('');
};

/** Writes an annotation XML per image (a few at a time) and the train/val image sets (paths without extension). */
export const writeVoc = async (
  reading: ExportReading,
  target: ExportTarget,
  concurrency?: number,
): Promise<ExportTally> => {
  const sets = { train: target.openFile(VOC_FILES.train), val: target.openFile(VOC_FILES.val) };
  const writes = new BoundedWrites(concurrency);
  try {
    for await (const batch of reading.images) {
      for (const image of batch) {
        await writes.add(() => target.writeFile(vocAnnotationPath(image.sourceRef), vocXml(image)));
        await writeTo(sets[image.set], `${stemPathOf(image.sourceRef)}\n`);
      }
    }
    await writes.drain();
    await Promise.all([sets.train.close(), sets.val.close()]);
  } catch (error) {
    sets.train.abort(error);
    sets.val.abort(error);
    throw error;
  }
  return reading.tally;
};
