import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { ValidationSummary } from '../../functions/kernel/contracts/step-io';
import { runFileKey } from '../../functions/kernel/rules/run-files';
import { toS3Uri } from '../../functions/kernel/rules/s3-uri';
import { reduceResults } from '../../functions/validation/aws/report-writer';
import type { ListedItem } from '../../functions/validation/contracts/map-results';
import { planValidation } from '../../functions/validation/plan-validation/handler';
import { validateImageBatch } from '../../functions/validation/validate-image-batch/handler';

type Run = {
  runId: string;
  bucket: string;
  prefix: string;
  runPrefix: string;
  examples?: { key: string; kind: 'good' | 'bad'; caption: string }[];
};
/** The test's S3 mock (aws-sdk-client-mock), which serves every S3Client. */
type S3Mock = { resetHistory(): unknown };
const stepFunctionsS3 = new S3Client({ region: 'us-east-1' });

/** Step Functions' ItemReader: ListObjectsV2 over the prefix, the items in the shape it hands children. */
const listItems = async (run: Run, prefix: string): Promise<ListedItem[]> => {
  const items: ListedItem[] = [];
  let token: string | undefined;
  do {
    const page = await stepFunctionsS3.send(
      new ListObjectsV2Command({ Bucket: run.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) items.push({ Key: o.Key ?? '', Size: o.Size ?? 0, Etag: o.ETag });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return items;
};

async function* lines(results: readonly unknown[]): AsyncGenerator<string> {
  for (const result of results) yield JSON.stringify(result);
}

/**
 * The validation stage as its Distributed Map runs it, in one process: PlanValidation, the
 * ItemReader's listing, ItemBatcher's batches through the child validator, ResultWriter's lines
 * (children finishing in reverse order) through the reduce step. The listing is Step Functions'
 * own, not a Lambda's: its calls are dropped from the mock's history, so the tests count only the
 * S3 requests of our code.
 */
export const distributedValidation =
  (s3: S3Mock) =>
  async ({ run }: { run: Run }): Promise<ValidationSummary> => {
    const items = await listItems(run, run.prefix);
    s3.resetHistory();
    const plan = await planValidation({ run });
    const outputs: unknown[][] = [];
    for (let i = 0; i < items.length; i += plan.itemsPerBatch) {
      const Items = items.slice(i, i + plan.itemsPerBatch);
      outputs.unshift(
        await validateImageBatch({
          Items,
          BatchInput: { bucket: run.bucket, prefix: run.prefix, exampleKeys: plan.exampleKeys },
        }),
      );
    }
    const reportKey = runFileKey(run.runPrefix, 'validationReport');
    const { runId, bucket, prefix } = run;
    const { totals } = await reduceResults({
      head: { version: 1, runId, bucket, prefix, validatedAt: new Date().toISOString() },
      reportKey,
      succeeded: lines(outputs.flat()),
      failed: lines([]) as AsyncIterable<never>,
    });
    return { ...totals, reportUri: toS3Uri({ bucket, key: reportKey }) };
  };
