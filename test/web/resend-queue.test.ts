import {
  classifyReply,
  type KeyValueStorage,
  type PendingAnswer,
  ResendQueue,
  retryDelayMs,
  type SendOutcome,
} from '../../web/src/lib/resend-queue';

const memoryStorage = (): KeyValueStorage & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};

const body = { boxes: [{ label: 'acme', left: 1, top: 2, width: 30, height: 40 }], nothingToLabel: false };

describe('classifyReply', () => {
  it('treats 2xx as delivered and tells a duplicate', () => {
    expect(classifyReply(200, { accepted: true, duplicate: false })).toEqual({ kind: 'delivered', duplicate: false });
    expect(classifyReply(200, { accepted: true, duplicate: true })).toEqual({ kind: 'delivered', duplicate: true });
  });
  it('refuses for good on the API’s 4xx codes', () => {
    expect(classifyReply(409, { error: { code: 'LEASE_LOST', message: 'gone' } })).toEqual({
      kind: 'refused',
      code: 'LEASE_LOST',
      message: 'gone',
    });
    expect(classifyReply(410, {})).toEqual({ kind: 'refused', code: 'HTTP_410', message: 'the API answered 410' });
  });
  it('retries server errors, throttling and an expired token', () => {
    expect(classifyReply(503, null).kind).toBe('retry');
    expect(classifyReply(429, {}).kind).toBe('retry');
    expect(classifyReply(401, {}).kind).toBe('retry');
  });
  it('backs off from 1 s to 30 s', () => {
    expect([1, 2, 3, 6, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 30_000, 30_000]);
  });
});

describe('ResendQueue', () => {
  it('keeps an answer across a reload until it is delivered', async () => {
    const storage = memoryStorage();
    new ResendQueue(storage).add('job-1', '00001', body);
    const reloaded = new ResendQueue(storage);
    expect(reloaded.has('job-1', '00001')).toBe(true);

    const offline = await reloaded.flush(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(offline.waiting).toHaveLength(1);
    expect(reloaded.list()[0]?.attempts).toBe(1);

    const sent: PendingAnswer[] = [];
    const online = await reloaded.flush(async (a) => {
      sent.push(a);
      return { kind: 'delivered', duplicate: false };
    });
    expect(sent.map((a) => a.body)).toEqual([body]);
    expect(online.delivered).toHaveLength(1);
    expect(reloaded.list()).toEqual([]);
  });

  it('drops a refused answer and reports why', async () => {
    const queue = new ResendQueue(memoryStorage());
    queue.add('job-1', '00001', body);
    const report = await queue.flush(async () => ({ kind: 'refused', code: 'ALREADY_ANSWERED', message: 'twice' }));
    expect(report.refused).toEqual([expect.objectContaining({ code: 'ALREADY_ANSWERED', message: 'twice' })]);
    expect(queue.list()).toEqual([]);
  });

  it('sends oldest first and stops at the first answer that must wait', async () => {
    const queue = new ResendQueue(memoryStorage());
    queue.add('job-1', '00001', body);
    queue.add('job-1', '00002', body);
    queue.add('job-1', '00003', body);
    const outcomes: SendOutcome[] = [
      { kind: 'delivered', duplicate: false },
      { kind: 'retry', reason: '503' },
    ];
    const tried: string[] = [];
    const report = await queue.flush(async (a) => {
      tried.push(a.taskId);
      return outcomes.shift() ?? { kind: 'delivered', duplicate: false };
    });
    expect(tried).toEqual(['00001', '00002']);
    expect(report.waiting.map((a) => a.taskId)).toEqual(['00002', '00003']);
  });

  it('replaces an unsent answer to the same task rather than sending two', () => {
    const queue = new ResendQueue(memoryStorage());
    queue.add('job-1', '00001', body);
    queue.add('job-1', '00001', { boxes: [], nothingToLabel: true });
    expect(queue.list()).toEqual([expect.objectContaining({ body: { boxes: [], nothingToLabel: true } })]);
  });

  it('survives unreadable storage', () => {
    const storage = memoryStorage();
    storage.setItem('labeling-pipeline.pending-answers.v1', '{not json');
    expect(new ResendQueue(storage).list()).toEqual([]);
  });
});
