import { joinKey, parseS3Uri } from '../../../kernel/rules/s3-uri';

/**
 * The names of Ground Truth's output (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html),
 * written down once: where a job's output manifest and worker responses sit under the job's
 * folder (`<S3OutputPath><job>/`), and the keys of an output line. Both backends write this
 * layout, and conversion, review, the CLI and the local runtime read it through these names.
 */

const OUTPUT_MANIFEST = 'manifests/output/output.manifest';
const WORKER_RESPONSES = 'annotations/worker-response/';
/** Bounding-box jobs have one annotation iteration; chained or adjusted jobs would add more. */
const ITERATION = 'iteration-1/';
const METADATA_SUFFIX = '-metadata';

/** The `type` of a bounding-box label attribute's metadata, the only one Rekognition imports for boxes. */
export const OBJECT_DETECTION_TYPE = 'groundtruth/object-detection';

/** `<attribute>-metadata`: the key holding an attribute's confidences, class map and provenance. */
export const metadataKeyOf = (attribute: string): string => `${attribute}${METADATA_SUFFIX}`;

/** The attribute of a `<attribute>-metadata` key, or `undefined` for any other key. */
export const attributeOfMetadataKey = (key: string): string | undefined =>
  key.endsWith(METADATA_SUFFIX) ? key.slice(0, -METADATA_SUFFIX.length) : undefined;

/** `job-name` as Ground Truth writes it for human answers: `labeling-job/<name>`. */
export const outputJobName = (jobName: string): string => `labeling-job/${jobName}`;

/** The folder of one job's output under the output path: `<outputPath><job>/`. */
export const jobOutputPrefix = (outputPrefix: string, jobName: string): string => joinKey(outputPrefix, `${jobName}/`);

/** `<job>/manifests/output/output.manifest`. */
export const outputManifestKey = (jobPrefix: string): string => joinKey(jobPrefix, OUTPUT_MANIFEST);

/** The worker responses of one image (`index`, zero-based in the input manifest), or of every image. */
export const workerResponsesPrefix = (jobPrefix: string, index?: number): string =>
  joinKey(jobPrefix, index === undefined ? WORKER_RESPONSES : `${WORKER_RESPONSES}${ITERATION}${index}/`);

/** One worker-response file: `…/iteration-1/<index>/<timestamp>.json`, one per finalization. */
export const workerResponseKey = (jobPrefix: string, index: number, at: Date): string =>
  `${workerResponsesPrefix(jobPrefix, index)}${at.toISOString().replace(/[:.]/g, '-')}.json`;

const INDEX_OF = /\/iteration-\d+\/(\d+)\/[^/]+\.json$/;

/** The image index of a worker-response file's key, or `undefined` for any other key. */
export const workerResponseIndex = (key: string): number | undefined => {
  const match = INDEX_OF.exec(key);
  return match ? Number(match[1]) : undefined;
};

/** Where the worker responses next to an output manifest are, or `undefined` when the URI is not one. */
export const workerResponsesOfManifest = (
  outputManifestUri: string,
): { bucket: string; prefix: string } | undefined => {
  const { bucket, key } = parseS3Uri(outputManifestUri);
  if (!key.endsWith(OUTPUT_MANIFEST)) return undefined;
  return { bucket, prefix: `${key.slice(0, -OUTPUT_MANIFEST.length)}${WORKER_RESPONSES}` };
};

/** Whether a path (a key or a file name) is a job's output manifest. */
export const isOutputManifestPath = (path: string): boolean => path.endsWith(`/${OUTPUT_MANIFEST}`);
