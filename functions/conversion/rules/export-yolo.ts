import { BoundedWrites, type ExportTarget, imagePathOf, stemPathOf, writeTo } from './export-files';
import type { ExportImage, ExportReading, ExportTally } from './export-lines';

/**
 * The YOLO layout Ultralytics reads (https://docs.ultralytics.com/datasets/detect/): `data.yaml`
 * naming the classes and the two image lists, and one label file per image, found by replacing
 * `images/` with `labels/` in the image's path and its extension with `.txt`.
 */
export const YOLO_FILES = { dataYaml: 'data.yaml', train: 'train.txt', val: 'val.txt' } as const;

/** Six decimals: a thousandth of a pixel on a 4096-pixel side, what Ultralytics' own exports write. */
const normalized = (value: number): string => String(Number(value.toFixed(6)));

/** The image's path as the lists name it: under `images/`, where a copy of its bucket goes. */
export const yoloImagePath = (sourceRef: string): string => `images/${imagePathOf(sourceRef)}`;

/** Its label file: `labels/<bucket>/<key without extension>.txt`. */
export const yoloLabelPath = (sourceRef: string): string => `labels/${stemPathOf(sourceRef)}.txt`;

/** One line per box: class id, then centre x, centre y, width and height as fractions of the image's size. */
export const yoloLabelText = (image: ExportImage): string =>
  image.boxes
    .map((box) => {
      const cx = (box.left + box.width / 2) / image.width;
      const cy = (box.top + box.height / 2) / image.height;
      return `${box.classId} ${normalized(cx)} ${normalized(cy)} ${normalized(box.width / image.width)} ${normalized(box.height / image.height)}\n`;
    })
    .join('');

/**
 * data.yaml. Names are written as JSON strings, which YAML reads as double-quoted scalars, so
 * a label like `a: b` or `#1` stays one name.
 */
export const yoloDataYaml = (names: readonly string[]): string =>
  [
    '# Written by labeling-pipeline export. Copy the images next to this file first:',
    '#   aws s3 sync s3://<bucket> images/<bucket>',
    'path: .',
    `train: ${YOLO_FILES.train}`,
    `val: ${YOLO_FILES.val}`,
    `nc: ${names.length}`,
    'names:',
    ...names.map((name, id) => `  ${id}: ${JSON.stringify(name)}`),
    '',
  ].join('\n');

/**
 * Writes a label file per image (a few at a time), appends each image to `train.txt` or
 * `val.txt`, and `data.yaml` once every class is known. Memory holds one batch of images.
 */
export const writeYolo = async (
  reading: ExportReading,
  target: ExportTarget,
  concurrency?: number,
): Promise<ExportTally> => {
  const lists = { train: target.openFile(YOLO_FILES.train), val: target.openFile(YOLO_FILES.val) };
  const writes = new BoundedWrites(concurrency);
  try {
    for await (const batch of reading.images) {
      for (const image of batch) {
        await writes.add(() => target.writeFile(yoloLabelPath(image.sourceRef), yoloLabelText(image)));
        await writeTo(lists[image.set], `./${yoloImagePath(image.sourceRef)}\n`);
      }
    }
    await writes.drain();
    await Promise.all([lists.train.close(), lists.val.close()]);
  } catch (error) {
    lists.train.abort(error);
    lists.val.abort(error);
    throw error;
  }
  await target.writeFile(YOLO_FILES.dataYaml, yoloDataYaml(reading.classNames()));
  return reading.tally;
};
