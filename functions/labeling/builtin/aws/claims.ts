import type { ClaimResponse, Task } from '../contracts/api';
import {
  type ImageItem,
  imageKey,
  type JobItem,
  type LabelerItem,
  labelerKey,
  taskIdOf,
} from '../contracts/table-items';
import type { Caller } from '../rules/caller';
import { candidacy, isActive, MAX_ACTIVE_LEASES, MAX_RACES, staleLeases } from '../rules/task-rules';
import { ApiError } from './http-route';
import { presignSourceRef } from './presign';
import { getImage, getLabeler, queryOpenImages, updateIf } from './table';

/** Open images read per query, and queries per claim before it answers "try again" (ALL_LEASED). */
const PAGE = 100;
const MAX_PAGES = 40;

const taskOf = async (
  job: JobItem,
  image: Pick<ImageItem, 'taskId' | 'sourceRef' | 'width' | 'height'>,
  leaseExpiresAt: string,
  now: Date,
  presignSeconds: number,
): Promise<Task> => {
  const read = await presignSourceRef(image.sourceRef, now, presignSeconds);
  return {
    jobId: job.jobId,
    taskId: image.taskId,
    imageUrl: read.url,
    imageUrlExpiresAt: read.expiresAt,
    width: image.width,
    height: image.height,
    leaseExpiresAt,
  };
};

const activeLeases = (labeler: LabelerItem | undefined, now: Date): [string, string][] =>
  Object.entries(labeler?.leases ?? {}).filter(([, expiresAt]) => isActive(expiresAt, now));

/** Leases one image for `sub` if its version is still the one read; removes others' expired leases. */
const leaseImage = (
  jobId: string,
  image: Pick<ImageItem, 'taskId' | 'leases' | 'version'>,
  sub: string,
  lease: { claimedAt: string; expiresAt: string },
  now: Date,
): Promise<boolean> => {
  const stale = staleLeases(image, sub, now);
  const names: Record<string, string> = { '#me': sub };
  stale.forEach((who, i) => {
    names[`#s${i}`] = who;
  });
  const remove = stale.length > 0 ? ` REMOVE ${stale.map((_, i) => `leases.#s${i}`).join(', ')}` : '';
  return updateIf({
    Key: imageKey(jobId, image.taskId),
    UpdateExpression: `SET leases.#me = :lease, version = version + :one${remove}`,
    ConditionExpression: 'version = :v AND attribute_exists(openJob)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':lease': lease, ':one': 1, ':v': image.version },
  });
};

/** Records the lease in the labeler's item (created on their first claim), guarded by its version. */
const recordLease = (
  jobId: string,
  sub: string,
  labeler: LabelerItem | undefined,
  taskId: string,
  expiresAt: string,
  now: Date,
): Promise<boolean> => {
  if (labeler === undefined) {
    return updateIf({
      Key: labelerKey(jobId, sub),
      UpdateExpression: 'SET #sub = :sub, leases = :leases, answers = :zero, #cursor = :cursor, version = :one',
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeNames: { '#sub': 'sub', '#cursor': 'cursor' },
      ExpressionAttributeValues: {
        ':sub': sub,
        ':leases': { [taskId]: expiresAt },
        ':zero': 0,
        ':cursor': taskId,
        ':one': 1,
      },
    });
  }
  const expired = Object.entries(labeler.leases).filter(([t, at]) => t !== taskId && !isActive(at, now));
  const names: Record<string, string> = { '#t': taskId, '#cursor': 'cursor' };
  expired.forEach(([t], i) => {
    names[`#x${i}`] = t;
  });
  const remove = expired.length > 0 ? ` REMOVE ${expired.map((_, i) => `leases.#x${i}`).join(', ')}` : '';
  return updateIf({
    Key: labelerKey(jobId, sub),
    UpdateExpression: `SET leases.#t = :at, #cursor = :cursor, version = version + :one${remove}`,
    ConditionExpression: 'version = :v',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':at': expiresAt, ':cursor': taskId, ':one': 1, ':v': labeler.version },
  });
};

/** Gives an image lease back (the labeler's own record of it failed, or they skipped). */
const releaseImage = (jobId: string, taskId: string, sub: string) =>
  updateIf({
    Key: imageKey(jobId, taskId),
    UpdateExpression: 'REMOVE leases.#me SET version = version + :one',
    ConditionExpression: 'attribute_exists(leases.#me)',
    ExpressionAttributeNames: { '#me': sub },
    ExpressionAttributeValues: { ':one': 1 },
  });

interface ScanResult {
  leased?: { taskId: string; expiresAt: string };
  sawFull: boolean;
  capped: boolean;
}

type OpenImage = Awaited<ReturnType<typeof queryOpenImages>>['items'][number];
type Lease = { claimedAt: string; expiresAt: string };

/**
 * Leases the first image of one page the caller may take. `done` once leased, or once past
 * `stopAfter` (the scan's start, after it wrapped around).
 */
const scanPage = async (
  job: JobItem,
  caller: Caller,
  items: OpenImage[],
  stopAfter: string | undefined,
  lease: Lease,
  now: Date,
): Promise<{ leased?: ScanResult['leased']; sawFull: boolean; done: boolean }> => {
  let sawFull = false;
  for (const image of items) {
    if (stopAfter !== undefined && image.taskId > stopAfter) return { sawFull, done: true };
    const verdict = candidacy(image, caller.sub, job.workersPerObject, now);
    if (verdict === 'full') sawFull = true;
    if (verdict === 'available' && (await leaseImage(job.jobId, image, caller.sub, lease, now))) {
      return { leased: { taskId: image.taskId, expiresAt: lease.expiresAt }, sawFull, done: true };
    }
  }
  return { sawFull, done: false };
};

/**
 * Pages through the job's open images (the sparse index) from `start`, wrapping once, and
 * leases the first one the caller may take. Bounded: at most MAX_PAGES queries per claim.
 */
const scanAndLease = async (job: JobItem, caller: Caller, start: string, now: Date): Promise<ScanResult> => {
  const lease = {
    claimedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + job.taskTimeLimitSeconds * 1000).toISOString(),
  };
  let sawFull = false;
  let from = start;
  let wrapped = false;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await queryOpenImages(job.jobId, from, PAGE);
    const scanned = await scanPage(job, caller, page.items, wrapped ? start : undefined, lease, now);
    sawFull ||= scanned.sawFull;
    if (scanned.leased !== undefined) return { leased: scanned.leased, sawFull, capped: false };
    if (scanned.done) return { sawFull, capped: false };
    const last = page.items.at(-1)?.taskId;
    if (page.next !== undefined && last !== undefined) from = last;
    else if (!wrapped && start !== '') {
      wrapped = true;
      from = '';
    } else return { sawFull, capped: false };
  }
  return { sawFull, capped: true };
};

/** Where a labeler's first claim starts: spread over the job, so labelers rarely race for one image. */
const randomStart = (imageCount: number): string => {
  const first = Math.floor(Math.random() * imageCount);
  return first === 0 ? '' : taskIdOf(first - 1);
};

/**
 * `POST /api/jobs/{jobId}/tasks`: a new lease on an image the caller has not answered, skipped or
 * leased; its image URL lasts `presignSeconds`.
 */
export const claimTask = async (
  job: JobItem,
  caller: Caller,
  now: Date,
  presignSeconds: number,
  race = 0,
): Promise<ClaimResponse> => {
  const labeler = await getLabeler(job.jobId, caller.sub);
  if (activeLeases(labeler, now).length >= MAX_ACTIVE_LEASES) {
    throw new ApiError(
      409,
      'TOO_MANY_LEASES',
      `you already hold ${MAX_ACTIVE_LEASES} tasks of this job; answer or skip one`,
    );
  }
  const start = labeler?.cursor ?? randomStart(job.imageCount);
  const scan = await scanAndLease(job, caller, start, now);
  if (scan.leased === undefined)
    return { task: null, reason: scan.sawFull || scan.capped ? 'ALL_LEASED' : 'NO_TASKS_LEFT' };
  const { taskId, expiresAt } = scan.leased;
  if (!(await recordLease(job.jobId, caller.sub, labeler, taskId, expiresAt, now))) {
    // Another claim of the same labeler (a second tab) won the race for their record: undo and retry.
    await releaseImage(job.jobId, taskId, caller.sub);
    if (race >= MAX_RACES) throw new ApiError(409, 'CLAIM_CONFLICT', 'too many claims at once; try again');
    return claimTask(job, caller, now, presignSeconds, race + 1);
  }
  const image = await getImage(job.jobId, taskId);
  if (image === undefined) throw new Error(`image ${taskId} of ${job.jobId} vanished`);
  return { task: await taskOf(job, image, expiresAt, now, presignSeconds) };
};

/** `GET /api/jobs/{jobId}/tasks/mine`: the caller's live leases, with fresh image URLs. */
export const myTasks = async (job: JobItem, caller: Caller, now: Date, presignSeconds: number): Promise<Task[]> => {
  const labeler = await getLabeler(job.jobId, caller.sub);
  const tasks: Task[] = [];
  for (const [taskId] of activeLeases(labeler, now)) {
    const image = await getImage(job.jobId, taskId);
    const lease = image?.leases[caller.sub];
    if (image !== undefined && lease !== undefined && isActive(lease, now) && image.answers[caller.sub] === undefined) {
      tasks.push(await taskOf(job, image, lease.expiresAt, now, presignSeconds));
    }
  }
  return tasks.sort((a, b) => a.leaseExpiresAt.localeCompare(b.leaseExpiresAt));
};
