import type { AnswerBody, Box } from '../contracts/api';
import type { ImageItem, Lease, StoredAnswer } from '../contracts/table-items';

/** A labeler holds at most this many leases per job: the task on screen and the prefetched one. */
export const MAX_ACTIVE_LEASES = 2;

/** Conditional writes a claim, answer or skip retries when another request changed the same item first. */
export const MAX_RACES = 5;

export const isActive = (lease: Pick<Lease, 'expiresAt'> | string, now: Date): boolean =>
  Date.parse(typeof lease === 'string' ? lease : lease.expiresAt) > now.getTime();

type Candidate = Pick<ImageItem, 'answerCount' | 'answeredBy' | 'skippedBy' | 'leases'>;

export type Candidacy = 'available' | 'done-by-me' | 'full';

/**
 * Whether `sub` may lease this image now: never one they answered, skipped or hold; otherwise
 * while its answers plus other labelers' live leases leave a slot of `workersPerObject`.
 */
export const candidacy = (image: Candidate, sub: string, workersPerObject: number, now: Date): Candidacy => {
  if (image.answeredBy?.includes(sub) || image.skippedBy?.includes(sub)) return 'done-by-me';
  const mine = image.leases?.[sub];
  if (mine !== undefined && isActive(mine, now)) return 'done-by-me';
  return image.answerCount + othersActiveLeases(image, sub, now) < workersPerObject ? 'available' : 'full';
};

export const othersActiveLeases = (image: Pick<ImageItem, 'leases'>, sub: string, now: Date): number =>
  Object.entries(image.leases ?? {}).filter(([who, lease]) => who !== sub && isActive(lease, now)).length;

/** Leases of others that have expired: the claim that takes a slot removes them. */
export const staleLeases = (image: Pick<ImageItem, 'leases'>, sub: string, now: Date): string[] =>
  Object.entries(image.leases ?? {})
    .filter(([who, lease]) => who !== sub && !isActive(lease, now))
    .map(([who]) => who);

export interface BoxProblem {
  field: string;
  message: string;
}

/** Each box inside the image and labeled with one of the job's labels (the schema checked the rest). */
export const checkBoxes = (
  boxes: readonly Box[],
  image: { width: number; height: number },
  labels: readonly string[],
): BoxProblem | undefined => {
  for (const [i, box] of boxes.entries()) {
    if (!labels.includes(box.label)) {
      return { field: `boxes.${i}.label`, message: `label must be one of ${labels.join(', ')}` };
    }
    if (box.left + box.width > image.width) {
      return {
        field: `boxes.${i}.width`,
        message: `box reaches x=${box.left + box.width}, past the image width ${image.width}`,
      };
    }
    if (box.top + box.height > image.height) {
      return {
        field: `boxes.${i}.height`,
        message: `box reaches y=${box.top + box.height}, past the image height ${image.height}`,
      };
    }
  }
  return undefined;
};

/**
 * The boxes of one answer with exact repeats dropped (same label and the same pixels), in the
 * order drawn: a double submit or a pasted box must not count one object twice for this labeler,
 * which would weigh their vote double in consolidation.
 */
export const uniqueBoxes = <B extends Box>(boxes: readonly B[]): B[] => {
  const seen = new Set<string>();
  return boxes.filter((b) => {
    const key = JSON.stringify([b.label, b.left, b.top, b.width, b.height]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** A resend of the same answer (after a network drop) is the same boxes and verdict; timing may differ. */
export const sameAnswer = (stored: Pick<StoredAnswer, 'boxes' | 'nothingToLabel'>, sent: AnswerBody): boolean =>
  stored.nothingToLabel === sent.nothingToLabel &&
  stored.boxes.length === sent.boxes.length &&
  stored.boxes.every((b, i) => {
    const s = sent.boxes[i];
    return (
      s !== undefined &&
      s.label === b.label &&
      s.left === b.left &&
      s.top === b.top &&
      s.width === b.width &&
      s.height === b.height
    );
  });

export type AnswerDecision =
  | { kind: 'duplicate' }
  | { kind: 'conflict'; code: 'ALREADY_ANSWERED' | 'LEASE_LOST' }
  | { kind: 'accept'; completes: boolean };

/**
 * What to do with an answer to `image`: a resend, a second different answer, a lease gone to
 * someone else (or never held), or accept. An expired lease nobody has taken over still counts,
 * as long as the image has a slot left for it.
 */
export const decideAnswer = (
  image: Pick<ImageItem, 'answers' | 'leases' | 'answerCount'>,
  sub: string,
  sent: AnswerBody,
  workersPerObject: number,
  now: Date,
): AnswerDecision => {
  const stored = image.answers?.[sub];
  if (stored !== undefined) {
    return sameAnswer(stored, sent) ? { kind: 'duplicate' } : { kind: 'conflict', code: 'ALREADY_ANSWERED' };
  }
  const lease = image.leases?.[sub];
  if (lease === undefined) return { kind: 'conflict', code: 'LEASE_LOST' };
  if (image.answerCount >= workersPerObject) return { kind: 'conflict', code: 'LEASE_LOST' };
  if (!isActive(lease, now) && image.answerCount + othersActiveLeases(image, sub, now) >= workersPerObject) {
    return { kind: 'conflict', code: 'LEASE_LOST' };
  }
  return { kind: 'accept', completes: image.answerCount + 1 >= workersPerObject };
};
