import { type ExportTarget, imagePathOf, writeTo } from './export-files';
import type { ExportImage, ExportReading, ExportTally } from './export-lines';

/** The COCO file an export writes (https://cocodataset.org/#format-data, "Object Detection"). */
export const COCO_FILE = 'instances.json';

/** COCO category ids start at 1: several detection libraries reserve 0 for the background. */
export const cocoCategoryId = (classId: number): number => classId + 1;

/**
 * One entry of `images`. `file_name` is the image's path in a copy of its bucket (see
 * `imagePathOf`); `s3_uri` (an extra key, which COCO readers ignore) says where it is now.
 */
export const cocoImage = (image: ExportImage, id: number): string =>
  JSON.stringify({
    id,
    file_name: imagePathOf(image.sourceRef),
    width: image.width,
    height: image.height,
    s3_uri: image.sourceRef,
  });

/** The image's boxes as entries of `annotations`: `bbox` is `[x, y, width, height]` in pixels from the top-left corner. */
export const cocoAnnotations = (image: ExportImage, imageId: number, firstId: number): string[] =>
  image.boxes.map(
    (box, i) =>
      `{"id":${firstId + i},"image_id":${imageId},"category_id":${cocoCategoryId(box.classId)},` +
      `"bbox":[${box.left},${box.top},${box.width},${box.height}],"area":${box.width * box.height},"iscrowd":0}`,
  );

export const cocoCategories = (names: readonly string[]): string =>
  JSON.stringify(names.map((name, classId) => ({ id: cocoCategoryId(classId), name, supercategory: 'none' })));

/** `info` of the file: who wrote it, when, from what. */
export interface CocoInfo {
  description: string;
  dateCreated: string;
}

/**
 * Writes the COCO instances file as a stream: `images` in one read of the input, `annotations`
 * in a second (ids follow the input order, so both reads agree), `categories` last, once every
 * label is known. Memory holds one batch of images, never the file. Returns the first read's tally.
 */
export const writeCoco = async (
  read: () => ExportReading,
  target: ExportTarget,
  info: CocoInfo,
): Promise<ExportTally> => {
  const sink = target.openFile(COCO_FILE);
  try {
    const head = {
      description: info.description,
      version: '1.0',
      year: Number(info.dateCreated.slice(0, 4)),
      date_created: info.dateCreated,
    };
    await writeTo(sink, `{"info":${JSON.stringify(head)},"licenses":[],"images":[\n`);
    const first = read();
    let id = 0;
    for await (const batch of first.images) {
      const text = batch.map((image) => `${id === 0 ? '' : ',\n'}${cocoImage(image, ++id)}`).join('');
      await writeTo(sink, text);
    }
    await writeTo(sink, '\n],"annotations":[\n');
    const second = read();
    const written = await writeAnnotations(second, sink);
    if (written !== id) throw new Error(`the input changed while it was exported: ${id} images, then ${written}`);
    await writeTo(sink, `\n],"categories":${cocoCategories(second.classNames())}}\n`);
    await sink.close();
    return first.tally;
  } catch (error) {
    sink.abort(error);
    throw error;
  }
};

/** The second read: every image's annotations; returns how many images it saw. */
const writeAnnotations = async (
  reading: ExportReading,
  sink: ReturnType<ExportTarget['openFile']>,
): Promise<number> => {
  let imageId = 0;
  let annotationId = 0;
  for await (const batch of reading.images) {
    let text = '';
    for (const image of batch) {
      imageId += 1;
      for (const entry of cocoAnnotations(image, imageId, annotationId + 1)) {
        text += `${annotationId === 0 ? '' : ',\n'}${entry}`;
        annotationId += 1;
      }
    }
    await writeTo(sink, text);
  }
  return imageId;
};
