import type { AnswerBody } from '../contracts/api';
import { type ImageItem, imageKey, type JobItem, jobKey, labelerKey } from '../contracts/table-items';
import type { Caller } from '../rules/caller';
import { checkBoxes, decideAnswer, MAX_RACES, uniqueBoxes } from '../rules/task-rules';
import { ApiError } from './http-route';
import { requestFinalization } from './ready-events';
import { getImage, getLabeler, updateIf, updateReturning } from './table';

// Answers and skips, apart from claims: their functions sign no image URLs, so they carry no S3 client.

const imageFor = async (job: JobItem, taskId: string): Promise<ImageItem> => {
  const image = await getImage(job.jobId, taskId);
  if (image === undefined)
    throw new ApiError(404, 'TASK_NOT_FOUND', `job ${job.jobId} has no task ${taskId}`, 'taskId');
  return image;
};

/** Forgets a lease in the labeler's record and counts their answer; the image item is the truth. */
const settleLabeler = (jobId: string, sub: string, taskId: string, answered: boolean) =>
  updateIf({
    Key: labelerKey(jobId, sub),
    UpdateExpression: `REMOVE leases.#t SET version = version + :one${answered ? ', answers = answers + :one' : ''}`,
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#t': taskId },
    ExpressionAttributeValues: { ':one': 1 },
  });

const conflictError = (code: 'ALREADY_ANSWERED' | 'LEASE_LOST', taskId: string): ApiError =>
  new ApiError(
    409,
    code,
    code === 'ALREADY_ANSWERED'
      ? `you already answered task ${taskId} differently`
      : `your lease on task ${taskId} ended and the image went to someone else`,
    'taskId',
  );

/** What the image item keeps of an answer: the boxes as sent, and when the lease began and the answer came. */
const storedAnswer = (body: AnswerBody, caller: Caller, claimedAt: string | undefined, now: Date) => ({
  boxes: body.boxes,
  nothingToLabel: body.nothingToLabel,
  ...(body.durationMs === undefined ? {} : { durationMs: body.durationMs }),
  claimedAt: claimedAt ?? now.toISOString(),
  submittedAt: now.toISOString(),
  ...(caller.email ? { email: caller.email } : {}),
});

export interface AnswerOutcome {
  duplicate: boolean;
  job: JobItem;
  myAnswers: number;
}

/**
 * The one conditional UpdateItem that records an answer: stores it, consumes the lease, counts it
 * and, with the last answer the image needs, takes the image out of the open index. False when
 * the image changed since it was read.
 */
const recordAnswer = (
  image: ImageItem,
  sub: string,
  stored: ReturnType<typeof storedAnswer>,
  completes: boolean,
): Promise<boolean> =>
  updateIf({
    Key: { pk: image.pk, sk: image.sk },
    UpdateExpression:
      'SET answers.#me = :answer, answerCount = answerCount + :one, answeredBy = list_append(answeredBy, :meList), version = version + :one ' +
      `REMOVE leases.#me${completes ? ', openJob, openSort' : ''}`,
    ConditionExpression: 'version = :v',
    ExpressionAttributeNames: { '#me': sub },
    ExpressionAttributeValues: { ':answer': stored, ':one': 1, ':meList': [sub], ':v': image.version },
  });

/** After a recorded answer: the labeler's and the job's counters; the job's last image requests finalization. */
const countAnswer = async (job: JobItem, sub: string, taskId: string, completes: boolean): Promise<AnswerOutcome> => {
  await settleLabeler(job.jobId, sub, taskId, true);
  const counted = await updateReturning<JobItem>({
    Key: jobKey(job.jobId),
    UpdateExpression: 'ADD answersReceived :one, imagesComplete :done',
    ExpressionAttributeValues: { ':one': 1, ':done': completes ? 1 : 0 },
  });
  if (completes && counted.imagesComplete >= counted.imageCount) {
    await requestFinalization({ jobId: job.jobId, reason: 'complete' });
  }
  const labeler = await getLabeler(job.jobId, sub);
  return { duplicate: false, job: counted, myAnswers: labeler?.answers ?? 0 };
};

/**
 * `POST .../answer`: one conditional UpdateItem records the answer, consumes the lease, counts
 * it and, with the last answer the image needs, takes the image out of the open index. The
 * job's counters follow; when the last image completes, finalization is requested.
 */
export const answerTask = async (
  job: JobItem,
  caller: Caller,
  taskId: string,
  sent: AnswerBody,
  now: Date,
): Promise<AnswerOutcome> => {
  const body = { ...sent, boxes: uniqueBoxes(sent.boxes) };
  for (let race = 0; race <= MAX_RACES; race++) {
    const image = await imageFor(job, taskId);
    const problem = checkBoxes(body.boxes, image, job.labels);
    if (problem) throw new ApiError(400, 'INVALID_BOX', `${problem.field}: ${problem.message}`, problem.field);
    const decision = decideAnswer(image, caller.sub, body, job.workersPerObject, now);
    if (decision.kind === 'duplicate') {
      const labeler = await getLabeler(job.jobId, caller.sub);
      return { duplicate: true, job, myAnswers: labeler?.answers ?? 0 };
    }
    if (decision.kind === 'conflict') throw conflictError(decision.code, taskId);
    const stored = storedAnswer(body, caller, image.leases[caller.sub]?.claimedAt, now);
    if (await recordAnswer(image, caller.sub, stored, decision.completes)) {
      return countAnswer(job, caller.sub, taskId, decision.completes);
    }
  }
  throw new ApiError(
    409,
    'ANSWER_CONFLICT',
    `task ${taskId} changed too often while answering; send it again`,
    'taskId',
  );
};

/** `POST .../skip`: gives the lease back; the caller never gets that image again. */
export const skipTask = async (job: JobItem, caller: Caller, taskId: string): Promise<void> => {
  for (let race = 0; race <= MAX_RACES; race++) {
    const image = await imageFor(job, taskId);
    if (image.skippedBy?.includes(caller.sub)) return;
    if (image.leases[caller.sub] === undefined) {
      throw new ApiError(409, 'LEASE_LOST', `you hold no lease on task ${taskId}`, 'taskId');
    }
    const skipped = await updateIf({
      Key: imageKey(job.jobId, taskId),
      UpdateExpression:
        'SET skippedBy = list_append(if_not_exists(skippedBy, :empty), :meList), version = version + :one REMOVE leases.#me',
      ConditionExpression: 'version = :v',
      ExpressionAttributeNames: { '#me': caller.sub },
      ExpressionAttributeValues: { ':empty': [], ':meList': [caller.sub], ':one': 1, ':v': image.version },
    });
    if (!skipped) continue;
    await settleLabeler(job.jobId, caller.sub, taskId, false);
    return;
  }
  throw new ApiError(409, 'SKIP_CONFLICT', `task ${taskId} changed too often while skipping; send it again`, 'taskId');
};
