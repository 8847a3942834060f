import { writeCoco } from './export-coco';
import type { ExportTarget } from './export-files';
import {
  type ExportFormat,
  type ExportReadOptions,
  type ExportSource,
  type ExportTally,
  readExportImages,
} from './export-lines';
import { writeVoc } from './export-voc';
import { writeYolo } from './export-yolo';

export interface ExportOptions extends ExportReadOptions {
  /** When the export is made, for COCO's `info`. */
  generatedAt: string;
  /** Per-image files written at once (default 16; an S3 target takes more). */
  writeConcurrency?: number;
}

/**
 * Exports the images of `sources` in one format to `target`, streaming: COCO reads the input
 * twice into one JSON file, YOLO and VOC write a file per image. Returns what was read and
 * rejected (the same reasons as `convert`).
 */
export const exportDataset = (
  format: ExportFormat,
  sources: readonly ExportSource[],
  target: ExportTarget,
  options: ExportOptions,
): Promise<ExportTally> => {
  if (format === 'coco') {
    const description = `labeling-pipeline export of ${sources.map((s) => s.name).join(', ')}`;
    return writeCoco(() => readExportImages(sources, options), target, {
      description,
      dateCreated: options.generatedAt,
    });
  }
  const reading = readExportImages(sources, { ...options, uniqueStems: true });
  const writes = options.writeConcurrency;
  return format === 'yolo' ? writeYolo(reading, target, writes) : writeVoc(reading, target, writes);
};
