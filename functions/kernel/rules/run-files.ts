import { joinKey } from './s3-uri';

/**
 * Every object a run writes under `runs/<runId>/`, named once (the README lists them under "What a run leaves in S3"). Stages
 * write and read these keys; the local runtime copies them out by the same names.
 */
export const RUN_FILES = {
  validationReport: 'validation.json',
  /** ValidateImages' Distributed Map writes its ResultWriter files here (`<map run id>/manifest.json`, ...). */
  validationResults: 'validation/map-results/',
  inputManifest: 'labeling/input.manifest',
  labelCategories: 'labeling/label-categories.json',
  labelingTemplate: 'labeling/template.liquid',
  labelingJob: 'labeling/job.json',
  /** Ground Truth writes its output under this folder (`<job>/manifests/output/output.manifest`). */
  labelingOutput: 'labeling/output/',
  trainManifest: 'dataset/train.manifest',
  testManifest: 'dataset/test.manifest',
  datasetReport: 'dataset/report.json',
  datasetReportHtml: 'dataset/report.html',
  /** batch.json `"exports"`: one folder per format. */
  cocoExport: 'dataset/coco/',
  yoloExport: 'dataset/yolo/',
  vocExport: 'dataset/voc/',
} as const;

export type RunFile = keyof typeof RUN_FILES;

/** The folder of one run: `runs/<runId>/`. */
export const runPrefixOf = (runId: string): string => `runs/${runId}/`;

/** The key of one of a run's files, under the run's prefix. */
export const runFileKey = (runPrefix: string, file: RunFile): string => joinKey(runPrefix, RUN_FILES[file]);
