import { callerOf, mayWorkOn, parseGroups } from '../../../../functions/labeling/builtin/rules/caller';
import { dueForFinalization } from '../../../../functions/labeling/builtin/rules/job-expiry';
import { candidacy, decideAnswer, uniqueBoxes } from '../../../../functions/labeling/builtin/rules/task-rules';

const now = new Date('2026-12-01T10:00:00Z');
const live = { expiresAt: '2026-12-01T10:05:00Z', claimedAt: '2026-12-01T09:55:00Z' };
const stale = { expiresAt: '2026-12-01T09:59:00Z', claimedAt: '2026-12-01T09:49:00Z' };
const sent = { boxes: [{ label: 'acme', left: 1, top: 2, width: 3, height: 4 }], nothingToLabel: false };

describe('caller', () => {
  it('parses the authorizer string form of cognito:groups, an array, and nothing', () => {
    expect(parseGroups('[admins team-a]')).toEqual(['admins', 'team-a']);
    expect(parseGroups(['team-b'])).toEqual(['team-b']);
    expect(parseGroups(undefined)).toEqual([]);
    expect(callerOf({ email: 'x@y' }, 'admins')).toBeUndefined();
    expect(callerOf({ sub: 's', 'cognito:groups': '[admins]' }, 'admins')).toMatchObject({ admin: true, email: '' });
  });

  it('opens a group job to its group and admins only', () => {
    const member = { sub: 's', email: '', groups: ['team-a'], admin: false };
    expect(mayWorkOn({ labelerGroup: 'team-a' }, member)).toBe(true);
    expect(mayWorkOn({ labelerGroup: 'team-b' }, member)).toBe(false);
    expect(mayWorkOn({ labelerGroup: 'team-b' }, { ...member, admin: true })).toBe(true);
    expect(mayWorkOn({}, member)).toBe(true);
  });
});

describe('candidacy', () => {
  const image = (over = {}) => ({ answerCount: 0, answeredBy: [], skippedBy: [], leases: {}, ...over });

  it('never offers an image the caller answered, skipped or holds, and counts only live leases of others', () => {
    expect(candidacy(image({ answeredBy: ['me'] }), 'me', 3, now)).toBe('done-by-me');
    expect(candidacy(image({ skippedBy: ['me'] }), 'me', 3, now)).toBe('done-by-me');
    expect(candidacy(image({ leases: { me: live } }), 'me', 3, now)).toBe('done-by-me');
    expect(candidacy(image({ leases: { me: stale } }), 'me', 3, now)).toBe('available');
    expect(candidacy(image({ answerCount: 1, leases: { a: live } }), 'me', 2, now)).toBe('full');
    expect(candidacy(image({ answerCount: 1, leases: { a: stale } }), 'me', 2, now)).toBe('available');
  });
});

describe('decideAnswer', () => {
  const image = (over = {}) => ({ answers: {}, leases: { me: live }, answerCount: 0, ...over });

  it('accepts a leased answer and says when it completes the image', () => {
    expect(decideAnswer(image(), 'me', sent, 2, now)).toEqual({ kind: 'accept', completes: false });
    expect(decideAnswer(image({ answerCount: 1 }), 'me', sent, 2, now)).toEqual({ kind: 'accept', completes: true });
  });

  it('tells a resend from a second different answer', () => {
    const stored = { ...sent, claimedAt: 'a', submittedAt: 'b' };
    expect(decideAnswer(image({ answers: { me: stored } }), 'me', { ...sent, durationMs: 5 }, 2, now)).toEqual({
      kind: 'duplicate',
    });
    expect(decideAnswer(image({ answers: { me: stored } }), 'me', { boxes: [], nothingToLabel: true }, 2, now)).toEqual(
      {
        kind: 'conflict',
        code: 'ALREADY_ANSWERED',
      },
    );
  });

  it('refuses a lost lease, and an expired one whose slot others now fill', () => {
    expect(decideAnswer(image({ leases: {} }), 'me', sent, 2, now)).toEqual({ kind: 'conflict', code: 'LEASE_LOST' });
    expect(decideAnswer(image({ leases: { me: stale, a: live }, answerCount: 1 }), 'me', sent, 2, now)).toEqual({
      kind: 'conflict',
      code: 'LEASE_LOST',
    });
    expect(decideAnswer(image({ leases: { me: stale } }), 'me', sent, 2, now)).toEqual({
      kind: 'accept',
      completes: false,
    });
  });
});

describe('dueForFinalization', () => {
  const job = { status: 'open' as const, imagesWritten: true, expiresAt: '2026-12-01T11:00:00Z' };

  it('finalizes expired open jobs and retries finalizations that died', () => {
    expect(dueForFinalization(job, now)).toBeUndefined();
    expect(dueForFinalization({ ...job, expiresAt: '2026-12-01T09:00:00Z' }, now)).toBe('expired');
    expect(
      dueForFinalization(
        { ...job, status: 'finalizing', finalizingSince: '2026-12-01T09:00:00Z', finalReason: 'closed' },
        now,
      ),
    ).toBe('closed');
    expect(
      dueForFinalization({ ...job, status: 'finalizing', finalizingSince: '2026-12-01T09:55:00Z' }, now),
    ).toBeUndefined();
  });
});

describe('uniqueBoxes', () => {
  it('drops exact repeats (label and pixels), keeping the first of each in drawing order', () => {
    const a = { label: 'acme', left: 1, top: 2, width: 3, height: 4 };
    const moved = { ...a, left: 1.5 };
    const relabeled = { ...a, label: 'globex' };

    expect(uniqueBoxes([a, moved, { ...a }, relabeled, a])).toEqual([a, moved, relabeled]);
    expect(uniqueBoxes([])).toEqual([]);
  });
});
