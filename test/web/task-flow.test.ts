import type { LabeledShape } from '../../web/src/lib/answer';
import { ApiError, type ClaimResponse, type Task } from '../../web/src/lib/api';
import { type AnswerBody, ResendQueue } from '../../web/src/lib/resend-queue';
import { type Clock, type Pause, type TaskApi, TaskFlow, type TaskScreen } from '../../web/src/lib/task-flow';

/**
 * The task flow without a browser: an in-memory lease server with the API's rules that matter
 * here (two leases at a time, leases that run out, answers refused for good), a clock the test
 * moves, and a screen that records what it was told.
 */

const LEASE_MS = 30_000;
const offline = () => new TypeError('Failed to fetch');

class ManualClock implements Clock {
  at = Date.parse('2026-12-07T10:00:00Z');
  private timers: { due: number; run: () => void }[] = [];
  now = () => this.at;
  later = (run: () => void, ms: number) => {
    const timer = { due: this.at + ms, run };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };
  /** Moves time on, running what falls due. */
  pass(ms: number): void {
    this.at += ms;
    const due = this.timers.filter((t) => t.due <= this.at);
    this.timers = this.timers.filter((t) => t.due > this.at);
    for (const t of due) t.run();
  }
}

class LeaseServer implements TaskApi {
  online = true;
  refuseWith: string | null = null;
  /** Leases that count toward the limit of two but are not on offer (an answer not yet consumed). */
  hiddenLeases = 0;
  readonly leases = new Map<string, number>();
  readonly answered = new Map<string, AnswerBody>();
  readonly skipped = new Set<string>();

  constructor(
    private readonly clock: ManualClock,
    private readonly imageCount: number,
  ) {}

  private task(taskId: string): Task {
    const expires = new Date(this.leases.get(taskId) ?? 0).toISOString();
    return {
      jobId: 'job-1',
      taskId,
      imageUrl: `http://s3/${taskId}.png`,
      imageUrlExpiresAt: expires,
      width: 400,
      height: 300,
      leaseExpiresAt: expires,
    };
  }
  private active(): string[] {
    return [...this.leases].filter(([, until]) => until > this.clock.now()).map(([id]) => id);
  }

  async claim(): Promise<ClaimResponse> {
    if (!this.online) throw offline();
    if (this.active().length + this.hiddenLeases >= 2)
      throw new ApiError(409, 'TOO_MANY_LEASES', 'two leases at a time');
    const ids = Array.from({ length: this.imageCount }, (_, i) => String(i).padStart(6, '0'));
    const open = ids.filter((id) => !this.answered.has(id) && !this.skipped.has(id));
    const free = open.find((id) => !this.active().includes(id));
    if (!free) return { task: null, reason: open.length === 0 ? 'NO_TASKS_LEFT' : 'ALL_LEASED' };
    this.leases.set(free, this.clock.now() + LEASE_MS);
    return { task: this.task(free) };
  }
  async myTasks(): Promise<{ tasks: Task[] }> {
    if (!this.online) throw offline();
    return { tasks: this.active().map((id) => this.task(id)) };
  }
  async skip(_jobId: string, taskId: string): Promise<unknown> {
    this.skipped.add(taskId);
    this.leases.delete(taskId);
    return { skipped: true };
  }
  async answer(_jobId: string, taskId: string, body: AnswerBody): Promise<{ status: number; body: unknown }> {
    if (!this.online) throw offline();
    if (this.refuseWith) return { status: 409, body: { error: { code: this.refuseWith, message: 'no' } } };
    this.answered.set(taskId, body);
    this.leases.delete(taskId);
    const n = this.answered.size;
    return { status: 200, body: { accepted: true, duplicate: false, progress: { myAnswers: n, imagesComplete: n } } };
  }
}

class RecordingScreen implements TaskScreen {
  shown: string[] = [];
  done: string[] = [];
  paused: Pause[] = [];
  notes: { message: string; kind: string }[] = [];
  showTask = (task: Task) => void this.shown.push(task.taskId);
  showDone = (reason: string) => void this.done.push(reason);
  showPaused = (pause: Pause) => void this.paused.push(pause);
  notify = (message: string, kind: string) => void this.notes.push({ message, kind });
  refresh = () => undefined;
  preload = () => undefined;
}

const memoryStorage = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

const box = (id: string, label = 'acme'): LabeledShape => ({
  id,
  bodies: [{ purpose: 'tagging', value: label }],
  target: { selector: { type: 'RECTANGLE', geometry: { x: 10, y: 20, w: 50, h: 40 } } },
});

/** Lets the flow's background promises (sends, claims) run to their end. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

const setup = async (imageCount = 4) => {
  const clock = new ManualClock();
  const server = new LeaseServer(clock, imageCount);
  const screen = new RecordingScreen();
  const storage = memoryStorage();
  const job = {
    jobId: 'job-1',
    labels: ['acme', 'globex'],
    imageCount,
    myAnswers: 0,
    imagesComplete: 0,
  } as unknown as ConstructorParameters<typeof TaskFlow>[0];
  const flow = new TaskFlow(job, server, new ResendQueue(storage), screen, clock);
  await flow.start();
  await settle();
  return { clock, server, screen, flow, storage };
};

const image = { width: 400, height: 300 };

describe('the task flow', () => {
  it('shows the first image, prefetches the next, and counts the images left for this labeler', async () => {
    const { flow, screen, server } = await setup();
    expect(screen.shown).toEqual(['000000']);
    expect(server.leases.has('000001')).toBe(true);
    expect(flow.progressText()).toBe('4 images left for you · 0 answered by you');
  });

  it('shows the prefetched image at once on submit and sends the answer in the background', async () => {
    const { flow, screen, server } = await setup();
    expect(flow.submit([box('a')], image, false)).toBeNull();
    expect(screen.shown).toEqual(['000000', '000001']);
    await settle();
    expect(server.answered.get('000000')?.boxes).toEqual([{ label: 'acme', left: 10, top: 20, width: 50, height: 40 }]);
    expect(flow.progressText()).toBe('3 images left for you · 1 answered by you');
    expect(flow.waitingText()).toBe('');
  });

  it('refuses to submit an image with neither a box nor "nothing to label", and queues nothing', async () => {
    const { flow, storage } = await setup();
    expect(flow.submit([], image, false)).toMatch(/Draw a box around each object, or press N/);
    expect(storage.getItem('labeling-pipeline.pending-answers.v1')).toBeNull();
    expect(flow.current?.taskId).toBe('000000');
  });

  it('counts a skipped image out of the images left', async () => {
    const { flow, server } = await setup();
    await flow.skip();
    expect(server.skipped.has('000000')).toBe(true);
    expect(flow.current?.taskId).toBe('000001');
    expect(flow.progressText()).toBe('3 images left for you · 0 answered by you');
  });

  it('offline longer than a lease: says the lease ran out, sends what still counts, and moves on without a reload', async () => {
    const { flow, screen, server, clock } = await setup();
    server.online = false;
    flow.submit([box('a')], image, false);
    await settle();
    expect(flow.waitingText()).toBe('1 answer waiting to be sent');
    expect(flow.current?.taskId).toBe('000001');
    clock.pass(LEASE_MS);
    expect(flow.tick()).toBeNull();
    await settle();
    expect(screen.notes.map((n) => n.message)).toContainEqual(
      expect.stringMatching(/^Time is up for image 2: its lease ran out/),
    );
    expect(screen.paused.at(-1)).toEqual({ expiredImage: 2, waiting: 1 });
    expect(flow.current).toBeNull();

    server.online = true;
    await flow.reconnect();
    await settle();
    expect(server.answered.has('000000')).toBe(true);
    const said = screen.notes.map((n) => n.message);
    expect(said).toContain('Your answer for image 1 was sent and counts.');
    expect(said).toContain('Connected again: here is a new image.');
    expect(flow.current).not.toBeNull();
    expect(screen.shown.at(-1)).toBe(flow.current?.taskId);
    expect(flow.waitingText()).toBe('');
  });

  it('says plainly which answer no longer counts when the API refuses it after the lease ran out', async () => {
    const { flow, screen, server, clock } = await setup();
    server.online = false;
    flow.submit([], image, true);
    await settle();
    clock.pass(LEASE_MS);
    flow.tick();
    await settle();
    server.online = true;
    server.refuseWith = 'LEASE_LOST';
    await flow.reconnect();
    await settle();
    expect(screen.notes).toContainEqual({
      message: expect.stringMatching(/^Your answer for image 1 no longer counts: its time limit had passed/),
      kind: 'warn',
    });
    expect(flow.waitingText()).toBe('');
    expect(flow.current).not.toBeNull();
  });

  it('tries again by itself while offline, sooner or later without an online event', async () => {
    const { flow, server, clock, screen } = await setup(1);
    server.online = false;
    flow.submit([], image, true);
    await settle();
    expect(screen.paused).toHaveLength(1);
    server.online = true;
    clock.pass(60_000);
    await settle();
    expect(server.answered.has('000000')).toBe(true);
    expect(screen.done).toEqual(['NO_TASKS_LEFT']);
  });

  it('a lease that runs out online moves on without a "waiting for your previous answers" message', async () => {
    const { flow, screen, clock } = await setup();
    clock.pass(LEASE_MS);
    flow.tick();
    await settle();
    const said = screen.notes.map((n) => n.message);
    expect(said).toContainEqual(expect.stringMatching(/^Time is up for image 1/));
    expect(said.some((m) => m.includes('previous answers'))).toBe(false);
    expect(flow.current).not.toBeNull();
  });

  it('tries the prefetch again when the API refuses it for too many leases', async () => {
    const clock = new ManualClock();
    const server = new LeaseServer(clock, 4);
    server.hiddenLeases = 1;
    const screen = new RecordingScreen();
    const job = { jobId: 'job-1', labels: ['acme'], imageCount: 4, myAnswers: 0, imagesComplete: 0 };
    const flow = new TaskFlow(job as never, server, new ResendQueue(memoryStorage()), screen, clock);
    await flow.start();
    await settle();
    expect(server.leases.size).toBe(1);
    server.hiddenLeases = 0;
    clock.pass(2000);
    await settle();
    expect(server.leases.size).toBe(2);
    flow.submit([], image, true);
    expect(screen.shown).toEqual(['000000', '000001']);
  });

  it('resumes my leases on start, leaving out those whose answer still waits in the queue', async () => {
    const clock = new ManualClock();
    const server = new LeaseServer(clock, 4);
    await server.claim();
    await server.claim();
    const storage = memoryStorage();
    const queue = new ResendQueue(storage);
    server.online = false;
    queue.add('job-1', '000000', { boxes: [], nothingToLabel: true });
    const screen = new RecordingScreen();
    const job = { jobId: 'job-1', labels: ['acme'], imageCount: 4, myAnswers: 0, imagesComplete: 0 };
    const flow = new TaskFlow(job as never, server, queue, screen, clock);
    server.online = true;
    await flow.start();
    await settle();
    expect(server.answered.has('000000')).toBe(true);
    expect(screen.shown[0]).toBe('000001');
  });
});
