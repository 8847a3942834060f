import { openStream, putText } from '../../kernel/aws/s3-objects';
import type { ExportFormatName } from '../../kernel/contracts/step-io';
import { type RunFile, runFileKey } from '../../kernel/rules/run-files';
import { toS3Uri } from '../../kernel/rules/s3-uri';
import type { ExportTarget } from '../rules/export-files';
import type { ExportSet, ExportSource } from '../rules/export-lines';
import { readManifestBatches } from '../rules/line-reader';
import { s3LineSink } from './s3-line-sink';

const FOLDERS: Record<ExportFormatName, Extract<RunFile, `${string}Export`>> = {
  coco: 'cocoExport',
  yolo: 'yoloExport',
  voc: 'vocExport',
};

/** By extension: what a browser or a download shows for each file an export writes. */
const contentTypeOf = (path: string): string => {
  if (path.endsWith('.json')) return 'application/json';
  if (path.endsWith('.xml')) return 'application/xml';
  if (path.endsWith('.yaml')) return 'application/yaml';
  return 'text/plain; charset=utf-8';
};

/** Where one export of a run goes: `<runPrefix>dataset/<format>/`, as small objects and multipart uploads. */
export const runExportTarget = (bucket: string, runPrefix: string, format: ExportFormatName) => {
  const folder = runFileKey(runPrefix, FOLDERS[format]);
  const target: ExportTarget = {
    writeFile: (path, text) => putText(bucket, `${folder}${path}`, text, contentTypeOf(path)),
    openFile: (path) => s3LineSink(bucket, `${folder}${path}`, contentTypeOf(path)),
  };
  return { target, uri: toS3Uri({ bucket, key: folder }) };
};

/** A manifest in S3 as an export's input, opened afresh at every read. */
export const s3ExportSource = (bucket: string, key: string, set: ExportSet): ExportSource => ({
  name: toS3Uri({ bucket, key }),
  set,
  open: async function* () {
    yield* readManifestBatches(await openStream(bucket, key));
  },
});
