/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import type { JobReadyInfo } from '../../local-runtime/run/builtin-run';
import { type LocalRunResult, runLocalPipeline, startLocalEnvironment } from '../../local-runtime/run/run-local';
import { createRaster, drawLogo, encodePngImage, paintBackground } from '../../local-runtime/sample/logo-drawing';
import type { LocalEnvironment } from '../../local-runtime/stack/local-stack';
import { type Browser, buildPageIfStale, launchBrowser, seriousViolations } from './browser';

/**
 * The labeling page in a real browser against the real local runtime (built-in backend): a
 * person signs in, draws with the mouse, labels by key, works offline, loses a lease, and the
 * run's output manifest holds exactly what was drawn. Steps run in order on one job.
 */

jest.setTimeout(120_000);

const LEASE_SECONDS = 30;
const IMAGES = 5;
const DOCS = join(__dirname, '..', '..', 'docs');

interface Drawn {
  taskId: string;
  boxes: { label: string; left: number; top: number; width: number; height: number }[];
}

/** A good example for the instructions: one logo, drawn as the sample's are. */
const examplePng = (): Uint8Array => {
  const raster = createRaster(240, 160);
  paintBackground(raster, [240, 240, 235], [210, 215, 225], 6, 3);
  drawLogo(raster, 'acme', { left: 70, top: 30, width: 100, height: 100 });
  return encodePngImage(raster);
};

let env: LocalEnvironment;
let browser: Browser;
let page: Page;
let person: JobReadyInfo;
let run: Promise<LocalRunResult>;
let labels: string[];
const answered: Drawn[] = [];

let announceJob: (info: JobReadyInfo) => void = () => undefined;
const jobReady = new Promise<JobReadyInfo>((resolve) => {
  announceJob = resolve;
});

beforeAll(async () => {
  buildPageIfStale();
  env = await startLocalEnvironment();
  run = runLocalPipeline({
    environment: env,
    seed: 11,
    sampleSize: IMAGES,
    labelers: 0,
    person: { email: 'you@example.com', password: 'Label-Me-2026!' },
    timeoutMs: 170_000,
    out: join(tmpdir(), `labeling-page-${process.pid}`),
    batchJson: {
      taskTimeLimitSeconds: LEASE_SECONDS,
      taskTitle: 'Box every logo',
      instructions:
        '## Box every logo\n\n- Draw one **tight** box per logo.\n- Pick its brand with the number keys.\n- No logo? Press **N**.\n\n<script>window.__pwned = true</script>',
      examples: [{ key: 'incoming/sample-11/examples/good.png', kind: 'good', caption: 'Tight around the logo' }],
    },
    extraFiles: [{ name: 'examples/good.png', body: examplePng(), contentType: 'image/png' }],
    onJobReady: (info) => announceJob(info),
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') process.stderr.write(`console ${m.type()}: ${m.text()}\n`);
  });
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** The task on screen: its id, the image's on-screen rectangle and its natural size. */
const currentImage = async () => {
  const img = page.locator('#task-image');
  await img.waitFor();
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLImageElement>('#task-image');
    return Boolean(el?.complete && el.naturalWidth > 0);
  });
  const taskId = (await img.getAttribute('data-task-id')) ?? '';
  const box = await img.boundingBox();
  const natural = await img.evaluate((el: HTMLImageElement) => ({ width: el.naturalWidth, height: el.naturalHeight }));
  if (!box) throw new Error('image not visible');
  return { taskId, box, natural, scale: box.width / natural.width };
};

/** The boxes the page lists for the current image, from the list beside the image. */
const listedBoxes = async () =>
  (
    await page
      .locator('#box-list li[data-box]')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-box') ?? ''))
  ).map((text) => {
    const [label = '', left, top, width, height] = text.split(' ');
    return { label, left: Number(left), top: Number(top), width: Number(width), height: Number(height) };
  });

/** Later steps need the job the first step opened: fail at once rather than time out. */
const needJob = () => {
  if (!person) throw new Error('the job never opened: see the first step');
};

const drag = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
};

const expectClose = (actual: Drawn['boxes'], expected: Drawn['boxes']) => {
  expect(actual).toHaveLength(expected.length);
  for (const [i, e] of expected.entries()) {
    const a = actual[i];
    expect(a?.label).toBe(e.label);
    for (const k of ['left', 'top', 'width', 'height'] as const) {
      expect(Math.abs((a?.[k] ?? Number.NaN) - e[k])).toBeLessThanOrEqual(1);
    }
  }
};

it('signs in (sign-in view passes axe) and lists the job with its instructions', async () => {
  // A run that ends before its job opens fails here with its own error, not with a timeout.
  person = await Promise.race([
    jobReady,
    run.then((r) => {
      throw new Error(`the run ended before its job opened: ${r.status} ${JSON.stringify(r.error)}`);
    }),
  ]);
  await page.goto(person.portal);
  await page.locator('#email').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.fill('#email', person.email);
  await page.fill('#password', 'wrong-password-1');
  await page.click('button[type=submit]');
  await page.locator('#signin-error:not(:empty)').waitFor();
  expect(await page.textContent('#signin-error')).toContain('Wrong email or password');
  await page.fill('#password', person.password);
  await page.click('button[type=submit]');
  const card = page.locator(`[data-job-id="${person.jobId}"]`);
  await card.waitFor();
  expect(await card.textContent()).toContain('Box every logo');
  await card.locator('summary').click();
  expect(await card.locator('.markdown strong').first().textContent()).toBe('tight');
  expect(await page.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined();
  labels = await card.locator('.chip').allTextContents();
  expect(labels.length).toBeGreaterThanOrEqual(2);
});

it('draws two boxes with the mouse, labels them by key, moves and resizes one, at a zoom other than 1', async () => {
  needJob();
  await page.click('.job .button.primary');
  let image = await currentImage();
  // One step of zoom in, so that screen pixels and image pixels differ for sure.
  await page.keyboard.press('+');
  image = await currentImage();
  expect(Math.abs(image.scale - 1)).toBeGreaterThan(0.05);
  const at = (x: number, y: number) => ({ x: image.box.x + x * image.scale, y: image.box.y + y * image.scale });
  const w = image.natural.width;
  const h = image.natural.height;

  // Box 1: label 1, drawn from (10%, 15%) to (40%, 45%) of the image.
  await page.keyboard.press('1');
  await drag(at(w * 0.1, h * 0.15), at(w * 0.4, h * 0.45));
  // Box 2: drawn, then labelled 2 while selected.
  await drag(at(w * 0.55, h * 0.5), at(w * 0.85, h * 0.8));
  await page.keyboard.press('2');
  await page.keyboard.press('Escape');

  const drawn = await listedBoxes();
  expectClose(drawn, [
    { label: labels[0] ?? '', left: w * 0.1, top: h * 0.15, width: w * 0.3, height: h * 0.3 },
    { label: labels[1] ?? '', left: w * 0.55, top: h * 0.5, width: w * 0.3, height: h * 0.3 },
  ]);

  // Move box 1 by (+5%, +5%) of the image: select it, drag from its middle.
  const first = drawn[0] as Drawn['boxes'][number];
  const middle = at(first.left + first.width / 2, first.top + first.height / 2);
  await page.mouse.click(middle.x, middle.y);
  await drag(middle, { x: middle.x + w * 0.05 * image.scale, y: middle.y + h * 0.05 * image.scale });
  await page.keyboard.press('Escape');
  let boxes = await listedBoxes();
  const moved = boxes[0] as Drawn['boxes'][number];
  expect(Math.abs(moved.left - (first.left + w * 0.05))).toBeLessThanOrEqual(1);
  expect(Math.abs(moved.top - (first.top + h * 0.05))).toBeLessThanOrEqual(1);

  // Resize box 2 from its bottom-right corner handle, 20 image pixels out.
  const second = boxes[1] as Drawn['boxes'][number];
  const inside = at(second.left + second.width / 2, second.top + second.height / 2);
  await page.mouse.click(inside.x, inside.y);
  const corner = at(second.left + second.width, second.top + second.height);
  await drag(corner, { x: corner.x + 20 * image.scale, y: corner.y + 20 * image.scale });
  await page.keyboard.press('Escape');
  boxes = await listedBoxes();
  const resized = boxes[1] as Drawn['boxes'][number];
  expect(Math.abs(resized.width - (second.width + 20))).toBeLessThanOrEqual(1);
  expect(Math.abs(resized.height - (second.height + 20))).toBeLessThanOrEqual(1);
  expect(resized.left).toBe(second.left);

  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(DOCS, 'labeling-task.png') });

  answered.push({ taskId: image.taskId, boxes });
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (id) => document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
    image.taskId,
  );
});

it('labels a task with the keyboard only, and lists every key under ?', async () => {
  needJob();
  const image = await currentImage();
  await page.keyboard.press('?');
  const help = page.locator('#help');
  await help.waitFor();
  const keys = await help.locator('kbd').allTextContents();
  for (const key of [
    'Enter',
    'N',
    'Shift+S',
    '1 – 9',
    'B',
    'Ctrl+Z',
    'Ctrl+Shift+Z / Ctrl+Y',
    'Delete / Backspace',
    '?',
  ]) {
    expect(keys).toContain(key);
  }
  await page.keyboard.press('Escape');
  await page.keyboard.press('2');
  await page.keyboard.press('b');
  let [box] = await listedBoxes();
  if (!box) throw new Error('no box from B');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('ArrowDown');
  // Annotorious folds changes less than 250 ms apart into one undo step: a person is slower.
  await page.waitForTimeout(300);
  await page.keyboard.press('Alt+Shift+ArrowRight');
  await page.waitForTimeout(300);
  const [after] = await listedBoxes();
  expect(after).toEqual({ ...box, left: box.left + 30, top: box.top + 1, width: box.width + 10 });
  // Undo the resize, redo it.
  await page.keyboard.press('Control+z');
  [box] = await listedBoxes();
  expect(box?.width).toBe((after?.width ?? 0) - 10);
  await page.keyboard.press('Control+Shift+Z');
  [box] = await listedBoxes();
  expect(box).toEqual(after);
  answered.push({ taskId: image.taskId, boxes: [after as Drawn['boxes'][number]] });
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (id) => document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
    image.taskId,
  );
});

it('keeps an answer given offline and sends it once when back online', async () => {
  needJob();
  const image = await currentImage();
  const posts: Request[] = [];
  const onRequest = (r: Request) => {
    if (r.method() === 'POST' && r.url().endsWith(`/tasks/${image.taskId}/answer`)) posts.push(r);
  };
  page.on('request', onRequest);
  await browser.context.setOffline(true);
  await page.keyboard.press('n');
  await page.keyboard.press('Enter');
  // The prefetched next image shows at once, offline.
  await page.waitForFunction(
    (id) => document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
    image.taskId,
  );
  await page.locator('#pending:not(:empty)').waitFor();
  expect(await page.textContent('#pending')).toContain('1 answer waiting');
  const stored = await page.evaluate(() => localStorage.getItem('labeling-pipeline.pending-answers.v1'));
  expect(stored).toContain(image.taskId);
  await browser.context.setOffline(false);
  await page.locator('#pending:empty').waitFor({ state: 'attached' });
  await page.waitForFunction(() => localStorage.getItem('labeling-pipeline.pending-answers.v1') === '[]');
  page.off('request', onRequest);
  const delivered = await Promise.all(posts.map(async (r) => (await r.response())?.status()));
  expect(delivered.filter((s) => s === 200)).toHaveLength(1);
  answered.push({ taskId: image.taskId, boxes: [] });
});

it('says so when a lease expires and moves on', async () => {
  needJob();
  const image = await currentImage();
  await page.locator('#lease').waitFor();
  const toast = page.locator('.toast', { hasText: `Time is up for image ${Number(image.taskId) + 1}` });
  await toast.waitFor({ timeout: (LEASE_SECONDS + 10) * 1000 });
  await page.waitForFunction(
    (id) => document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
    image.taskId,
  );
});

it('finishes the job; the output manifest holds the drawn boxes within 1 px', async () => {
  needJob();
  // Whatever is left (the expired image comes back to the pool): nothing to label.
  for (;;) {
    const done = await page.locator('#done:not([hidden])').count();
    if (done > 0) break;
    const image = await currentImage().catch(() => undefined);
    if (!image) {
      await page.waitForTimeout(500);
      continue;
    }
    if (!answered.some((a) => a.taskId === image.taskId)) answered.push({ taskId: image.taskId, boxes: [] });
    await page.keyboard.press('n');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (id) =>
        document.querySelector('#done:not([hidden])') !== null ||
        document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
      image.taskId,
    );
  }
  const result = await run;
  expect({ status: result.status, error: result.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
  const manifestPath = result.files.outputManifest;
  if (!manifestPath) throw new Error('no output manifest');
  const lines = (await readFile(manifestPath, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const inputLines = (await readFile(result.files.inputManifest ?? '', 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(inputLines.length);
  // The label attribute: the line's one key besides source-ref and its -metadata.
  const attr = Object.keys(lines.find((l) => Object.keys(l).length > 2) ?? {}).find(
    (k) => k !== 'source-ref' && !k.endsWith('-metadata'),
  ) as string;
  for (const drawn of answered.filter((a) => a.boxes.length > 0)) {
    const line = lines[Number(drawn.taskId)];
    const classMap = line[`${attr}-metadata`]['class-map'] as Record<string, string>;
    const boxes = (
      line[attr].annotations as { class_id: number; left: number; top: number; width: number; height: number }[]
    ).map((a) => ({
      label: classMap[String(a.class_id)] ?? '',
      left: a.left,
      top: a.top,
      width: a.width,
      height: a.height,
    }));
    expectClose(
      [...boxes].sort((a, b) => a.left - b.left),
      [...drawn.boxes].sort((a, b) => a.left - b.left),
    );
  }
  // The offline answer arrived once: one worker response for that image.
  const offline = answered[2] as Drawn;
  const responses = join(
    result.outDir,
    'labeling',
    'output',
    person.jobId,
    'annotations',
    'worker-response',
    'iteration-1',
    String(Number(offline.taskId)),
  );
  const files = await readdir(responses);
  const answers = (
    await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(responses, f), 'utf8'))))
  ).flatMap((d: { answers: unknown[] }) => d.answers);
  expect(answers).toHaveLength(1);
});

it('shows the boxes on the review page (admins), which passes axe', async () => {
  needJob();
  await page.click('.user .link'); // sign out
  await page.locator('#email').waitFor();
  const admin = env.builtin.adminAccount();
  await page.fill('#email', admin.email);
  await page.fill('#password', admin.password);
  await page.click('button[type=submit]');
  await page.locator('.job').first().waitFor();
  await page.goto(`${person.portal}/#/jobs/${person.jobId}/review`);
  const first = answered[0] as Drawn;
  const tile = page.locator(`.tile[data-task-id="${first.taskId}"]`);
  await tile.waitFor();
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('.tile img')].every((i) => i.complete),
  );
  expect(await tile.locator('svg rect').count()).toBe(first.boxes.length);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(DOCS, 'review.png') });
  await tile.click();
  await page.locator('.compare').waitFor();
  expect(await page.locator('.consolidated svg rect').count()).toBe(first.boxes.length);
  expect(await page.locator('.labeler svg rect').count()).toBe(first.boxes.length);
  expect(await seriousViolations(page)).toEqual([]);
});
