import type { LabelCounters } from '../../../kernel/contracts/step-io';
import type { ImageItem } from '../contracts/table-items';
import { type ImageAnswers, type JobOutputContext, outputLine, workerResponse } from '../rules/job-output';

/** Where finalization's output goes: the manifest, line by line, and one worker response per answered image. */
export interface FinalizePorts {
  pages: AsyncIterable<readonly ImageItem[]>;
  writeLine(line: string): Promise<void>;
  putWorkerResponse(index: number, document: unknown): Promise<void>;
  /** How many worker responses may be in flight (bounded memory, bounded sockets). */
  concurrency: number;
}

/** An image item's answers, oldest first, as the output writer takes them. */
export const answersOf = (image: ImageItem): ImageAnswers => ({
  index: Number(image.taskId),
  sourceRef: image.sourceRef,
  width: image.width,
  height: image.height,
  answers: Object.entries(image.answers ?? {})
    .map(([sub, a]) => ({
      sub,
      boxes: a.boxes,
      claimedAt: a.claimedAt,
      submittedAt: a.submittedAt,
      ...(a.email === undefined ? {} : { email: a.email }),
      ...(a.durationMs === undefined ? {} : { durationMs: a.durationMs }),
    }))
    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.sub.localeCompare(b.sub)),
});

/**
 * Streams a job's image items, page by page, into the Ground Truth-format output: memory holds
 * one page and at most `concurrency` pending worker responses, whatever the job's size.
 */
export const writeJobOutput = async (
  ports: FinalizePorts,
  ctx: JobOutputContext,
  at: Date,
): Promise<
  Required<
    Pick<LabelCounters, 'TotalLabeled' | 'HumanLabeled' | 'MachineLabeled' | 'FailedNonRetryableError' | 'Unlabeled'>
  >
> => {
  const inFlight = new Set<Promise<void>>();
  let labeled = 0;
  let unlabeled = 0;
  for await (const page of ports.pages) {
    for (const item of page) {
      const image = answersOf(item);
      const out = outputLine(image, ctx, at);
      await ports.writeLine(`${out.line}\n`);
      if (!out.labeled) {
        unlabeled += 1;
        continue;
      }
      labeled += 1;
      const write = ports
        .putWorkerResponse(image.index, workerResponse(image, ctx))
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
      if (inFlight.size >= ports.concurrency) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);
  return {
    TotalLabeled: labeled,
    HumanLabeled: labeled,
    MachineLabeled: 0,
    FailedNonRetryableError: 0,
    Unlabeled: unlabeled,
  };
};
