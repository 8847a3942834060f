/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Page, Request } from 'playwright-core';
import type { JobReadyInfo } from '../../local-runtime/run/builtin-run';
import { type LocalRunResult, runLocalPipeline, startLocalEnvironment } from '../../local-runtime/run/run-local';
import { createRaster, drawLogo, encodePngImage, paintBackground } from '../../local-runtime/sample/logo-drawing';
import { generateSampleBatch, type TruthBox, type TruthImage } from '../../local-runtime/sample/sample-batch';
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
/**
 * The README's screenshots are taken on the way; they go to docs/ only when asked for
 * (`SCREENSHOTS=1 npx jest test/web/labeling-page.browser.test.ts`), so a test run never rewrites them.
 */
const SHOTS = process.env.SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs') : tmpdir();

interface Drawn {
  taskId: string;
  boxes: { label: string; left: number; top: number; width: number; height: number }[];
}

const SEED = 11;

/** A good example for the instructions: two logos, drawn as the sample's are. */
const EXAMPLE: TruthImage = {
  width: 480,
  height: 320,
  boxes: [
    { label: 'acme', left: 90, top: 90, width: 110, height: 110 },
    { label: 'globex', left: 260, top: 110, width: 160, height: 100 },
  ],
};
const examplePng = (): Uint8Array => {
  const raster = createRaster(EXAMPLE.width, EXAMPLE.height);
  paintBackground(raster, [240, 240, 235], [210, 215, 225], 6, 3);
  for (const { label, ...box } of EXAMPLE.boxes) drawLogo(raster, label, box);
  return encodePngImage(raster);
};

/** Where the logos really are in each image the job may serve, by file name. */
const TRUTH: Record<string, TruthImage> = {
  ...generateSampleBatch({ seed: SEED, size: IMAGES }).truth,
  'good.png': EXAMPLE,
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
  // The browser first: if none starts, no run is left uploading when the suite gives up.
  browser = await launchBrowser();
  env = await startLocalEnvironment();
  run = runLocalPipeline({
    environment: env,
    seed: SEED,
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
  // Awaited by the last step; if setup fails first, env.stop() ends the run and this keeps its
  // rejection from surfacing in another suite.
  run.catch(() => undefined);
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

/** Signs out from the header; the second the API recorded the sign-out in (sessions signed in up to it end). */
const signOut = async (): Promise<number> => {
  const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/sign-out');
  await page.click('.user .link');
  const { signedOutAt } = (await (await response).json()) as { signedOutAt: string };
  return Math.floor(Date.parse(signedOutAt) / 1000);
};

/** Resolves once the clock has moved past the second `at` (seconds). */
const pastSecond = async (at: number) => {
  while (Math.floor(Date.now() / 1000) <= at) await new Promise((r) => setTimeout(r, 20));
};

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

/** The file name of the image on screen (the last part of its presigned URL's path). */
const currentFile = async (): Promise<string> => {
  const src = (await page.locator('#task-image').getAttribute('src')) ?? '';
  return decodeURIComponent(new URL(src).pathname.split('/').pop() ?? '');
};

/**
 * Two logos of the image to box in the drawing step, so the README's screenshot shows boxes on
 * logos: box 1 is drawn 5% up-left of its logo and moved onto it, box 2 is drawn 20 px short of
 * its logo and resized onto it. Both must stay in view at the zoom used, apart from each other.
 */
const twoLogos = (truth: TruthImage | undefined, visible: Drawn['boxes'][number]): [TruthBox, TruthBox] | null => {
  const inside = (b: Drawn['boxes'][number]) =>
    b.left >= visible.left + 4 &&
    b.top >= visible.top + 4 &&
    b.left + b.width <= visible.left + visible.width - 4 &&
    b.top + b.height <= visible.top + visible.height - 4;
  const apart = (a: Drawn['boxes'][number], b: Drawn['boxes'][number]) =>
    a.left + a.width + 4 < b.left ||
    b.left + b.width + 4 < a.left ||
    a.top + a.height + 4 < b.top ||
    b.top + b.height + 4 < a.top;
  for (const one of truth?.boxes ?? []) {
    for (const two of truth?.boxes ?? []) {
      if (one === two || two.width < 40 || two.height < 40 || !truth) continue;
      const start = { ...one, left: one.left - truth.width * 0.05, top: one.top - truth.height * 0.05 };
      if (inside(start) && inside(one) && inside(two) && apart(start, two) && apart(one, two)) return [one, two];
    }
  }
  return null;
};

/** Presses an arrow key until `delta` image pixels are covered: Shift (10 px) first, then single pixels. */
const pressSteps = async (delta: number, plus: string, minus: string, modifier = '') => {
  const arrow = delta >= 0 ? plus : minus;
  const n = Math.abs(Math.round(delta));
  for (let i = 0; i < Math.floor(n / 10); i++) await page.keyboard.press(`${modifier}Shift+${arrow}`);
  for (let i = 0; i < n % 10; i++) await page.keyboard.press(`${modifier}${arrow}`);
};

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
  expect(await page.textContent('#progress')).toMatch(/^\d+ images left for you · 0 answered by you$/);
  const leftAtStart = Number((await page.textContent('#progress'))?.split(' ')[0]);

  // Two logos of this image (the sample generator knows where), else two spots of the image.
  const stage = (await page.locator('#stage').boundingBox()) ?? image.box;
  const visible = {
    label: '',
    left: Math.max(0, (stage.x - image.box.x) / image.scale),
    top: Math.max(0, (stage.y - image.box.y) / image.scale),
    width: Math.min(w, (stage.x + stage.width - image.box.x) / image.scale),
    height: Math.min(h, (stage.y + stage.height - image.box.y) / image.scale),
  };
  visible.width -= visible.left;
  visible.height -= visible.top;
  const logos = twoLogos(TRUTH[await currentFile()], visible);
  if (!logos && process.env.SCREENSHOTS === '1') {
    throw new Error('for the screenshot the first image needs two logos in view: run again (it is chosen at random)');
  }
  const [one, two] = logos ?? [
    { label: labels[0] ?? '', left: w * 0.15, top: h * 0.2, width: w * 0.3, height: h * 0.3 },
    { label: labels[1] ?? '', left: w * 0.55, top: h * 0.5, width: w * 0.3 + 20, height: h * 0.3 + 20 },
  ];
  const start1 = { ...one, left: one.left - w * 0.05, top: one.top - h * 0.05 };
  const start2 = { ...two, width: two.width - 20, height: two.height - 20 };
  const key = (label: string) => String(labels.indexOf(label) + 1);

  // Box 1: its label's key first, then drawn 5% up and left of its logo.
  await page.keyboard.press(key(one.label));
  await drag(at(start1.left, start1.top), at(start1.left + start1.width, start1.top + start1.height));
  // Box 2: drawn 20 px short of its logo, then labelled while selected.
  await drag(at(start2.left, start2.top), at(start2.left + start2.width, start2.top + start2.height));
  await page.keyboard.press(key(two.label));
  await page.keyboard.press('Escape');

  const drawn = await listedBoxes();
  expectClose(drawn, [start1, start2]);

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

  // Each box carries its label's name; H hides the boxes and their names, and shows them again.
  expect(await page.locator('#stage .box-tag').allTextContents()).toEqual(boxes.map((b) => b.label));
  await page.keyboard.press('h');
  await page.locator('#stage .a9s-annotationlayer').waitFor({ state: 'hidden' });
  expect(await page.locator('#stage .box-tag').first().isVisible()).toBe(false);
  await page.keyboard.press('h');
  await page.locator('#stage .a9s-annotationlayer').waitFor({ state: 'visible' });
  expect(await page.locator('#stage .box-tag').first().isVisible()).toBe(true);

  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, 'labeling-task.png') });

  answered.push({ taskId: image.taskId, boxes });
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (id) => document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
    image.taskId,
  );
  // Progress counts what is left for this labeler, one fewer once the answer is in.
  await page.locator('#progress', { hasText: `${leftAtStart - 1} images left for you · 1 answered by you` }).waitFor();
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
    '] / [',
    'H',
  ]) {
    expect(keys).toContain(key);
  }
  expect(keys).not.toContain('Tab / Shift+Tab');
  await page.keyboard.press('Escape');
  // Tab and Shift+Tab move the focus out of the image to the side panel and back (no keyboard trap).
  await page.waitForFunction(() => document.activeElement?.id === 'stage');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('aside.side')?.tagName)).toBe('ASIDE');
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('stage');
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
  // ] and [ select the next and previous box: a second box from B, then round and back.
  await page.keyboard.press('b');
  await page.keyboard.press('Escape');
  const selected = (i: number) =>
    page.waitForFunction(
      (at) =>
        [...document.querySelectorAll('#box-list li[data-box]')].findIndex((li) =>
          li.classList.contains('selected'),
        ) === at,
      i,
    );
  await page.keyboard.press(']');
  await selected(0);
  await page.keyboard.press(']');
  await selected(1);
  await page.keyboard.press(']');
  await selected(0);
  await page.keyboard.press('[');
  await selected(1);
  await page.keyboard.press('Delete');
  expect(await listedBoxes()).toEqual([after]);
  // Then onto a logo of the image, by keys alone: its label's number, Alt+arrows, arrows.
  let final = after as Drawn['boxes'][number];
  const logo = TRUTH[await currentFile()]?.boxes[0];
  if (logo) {
    await page.keyboard.press(']');
    await selected(0);
    await page.keyboard.press(String(labels.indexOf(logo.label) + 1));
    await pressSteps(logo.width - final.width, 'ArrowRight', 'ArrowLeft', 'Alt+');
    await pressSteps(logo.height - final.height, 'ArrowDown', 'ArrowUp', 'Alt+');
    [final = final] = await listedBoxes();
    await pressSteps(logo.left - final.left, 'ArrowRight', 'ArrowLeft');
    await pressSteps(logo.top - final.top, 'ArrowDown', 'ArrowUp');
    [final = final] = await listedBoxes();
    await pressSteps(logo.width - final.width, 'ArrowRight', 'ArrowLeft', 'Alt+');
    await pressSteps(logo.height - final.height, 'ArrowDown', 'ArrowUp', 'Alt+');
    [final = final] = await listedBoxes();
    expect(final).toEqual(logo);
  }
  answered.push({ taskId: image.taskId, boxes: [final] });
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (id) => document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
    image.taskId,
  );
});

/** Waits until the page holds its next image (prefetched), with a lease that lasts, so it shows offline. */
const prefetched = async () => {
  // An image whose lease ends soon gives way to the next one first: wait for a fresh pair.
  await page.waitForFunction(
    () => {
      const [m = '0', sec = '0'] = (document.querySelector('#lease')?.textContent ?? '').split(/[: ]/);
      const left = Number(m) * 60 + Number(sec);
      return Boolean(document.querySelector<HTMLElement>('#stage')?.dataset.nextTask) && left >= 20;
    },
    undefined,
    { timeout: (LEASE_SECONDS + 15) * 1000 },
  );
};

it('keeps an answer given offline and sends it once when back online', async () => {
  needJob();
  await prefetched();
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
  // A reload while offline comes back from the service worker's shell, with the answer still queued.
  await page.reload();
  await page.locator('#offline').waitFor();
  expect(await page.textContent('#offline-waiting')).toContain('1 answer of yours waits safely in this browser');
  expect(await page.evaluate(() => localStorage.getItem('labeling-pipeline.pending-answers.v1'))).toContain(
    image.taskId,
  );
  await browser.context.setOffline(false);
  await currentImage();
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
  const shown = await page.locator('#task-image').elementHandle();
  await page.locator('#lease').waitFor();
  const toast = page.locator('.toast', { hasText: `Time is up for image ${Number(image.taskId) + 1}` });
  await toast.waitFor({ timeout: (LEASE_SECONDS + 10) * 1000 });
  // Moving on is a new lease on screen: the next image, or this one claimed afresh (it went back
  // to the pool, and with one labeler it can be the first one the pool hands out again). A claim
  // right at the lease's end may be refused once (too many leases) and retried: allow for it.
  await page.waitForFunction(
    (old) => {
      const img = document.querySelector('#task-image');
      return img !== null && img !== old && img.getAttribute('data-task-id') !== null;
    },
    shown,
    { timeout: 30_000 },
  );
  expect(await toast.textContent()).toContain('its lease ran out and it went back to the pool');
  expect(await page.locator('#task-image').getAttribute('data-task-id')).toMatch(/^\d{6}$/);
  // Nothing was waiting to be sent, so nothing says so.
  expect(await page.locator('.toast', { hasText: 'previous answers' }).count()).toBe(0);
});

it('lays the task view out for a phone: the panel under the image, the image the full width', async () => {
  needJob();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.waitForFunction(() => {
      const stage = document.querySelector('#stage')?.getBoundingClientRect();
      const side = document.querySelector('aside.side')?.getBoundingClientRect();
      return stage && side && side.top >= stage.bottom - 1;
    });
    const stage = await page.locator('#stage').boundingBox();
    const image = await currentImage();
    expect(stage?.width).toBeGreaterThanOrEqual(370);
    expect(image.box.width).toBeGreaterThanOrEqual(330);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

it('offline longer than a lease: says the lease ran out, sends what still counts, and moves on without a reload', async () => {
  needJob();
  await prefetched();
  const answeredOffline = await currentImage();
  await browser.context.setOffline(true);
  await page.keyboard.press('n');
  await page.keyboard.press('Enter');
  // The prefetched image shows, offline; its lease runs out while the answer above waits.
  await page.waitForFunction(
    (id) => document.querySelector('#task-image')?.getAttribute('data-task-id') !== id,
    answeredOffline.taskId,
  );
  const expired = await currentImage();
  const ranOut = page.locator('#paused-lease');
  await ranOut.waitFor({ timeout: (LEASE_SECONDS + 10) * 1000 });
  expect(await ranOut.textContent()).toBe(
    `The lease on image ${Number(expired.taskId) + 1} ran out while you were offline: it went back to the pool, and the boxes you drew on it do not count.`,
  );
  expect(await page.textContent('#paused-waiting')).toContain('1 answer of yours waits');
  await browser.context.setOffline(false);
  // Back online: the waiting answer still counts (nobody else took its image), and a new image comes.
  await page
    .locator('.toast', { hasText: `Your answer for image ${Number(answeredOffline.taskId) + 1} was sent and counts.` })
    .waitFor();
  await page.locator('.toast', { hasText: 'Connected again: here is a new image.' }).waitFor();
  await currentImage();
  expect(await page.locator('#done').isHidden()).toBe(true);
  await page.waitForFunction(() => localStorage.getItem('labeling-pipeline.pending-answers.v1') === '[]');
  answered.push({ taskId: answeredOffline.taskId, boxes: [] });
});

it('shows admins, and only admins, a way to close the job', async () => {
  needJob();
  await page.goto(`${person.portal}/#/jobs`);
  await page.locator(`[data-job-id="${person.jobId}"]`).waitFor();
  expect(await page.locator('.close-job').count()).toBe(0);
  const signedOutIn = await signOut();
  const admin = env.builtin.adminAccount();
  await page.fill('#email', admin.email);
  await page.fill('#password', admin.password);
  await page.click('button[type=submit]');
  const card = page.locator(`[data-job-id="${person.jobId}"]`);
  await card.locator('.close-job').click();
  const confirmRow = card.locator('.confirm');
  await confirmRow.waitFor();
  expect(await confirmRow.textContent()).toContain('Nobody can label it any more');
  // The real close would end this test's job: Cancel keeps it open.
  await confirmRow.getByRole('button', { name: 'Cancel' }).click();
  await confirmRow.waitFor({ state: 'hidden' });
  expect(await card.locator('.status').textContent()).toBe('open');
  await page.click('.user .link');
  // A sign-out ends every session signed in up to its second (tokens carry whole seconds), so the
  // person signs back in after it, as anyone slower than this test does.
  await pastSecond(signedOutIn);
  await page.fill('#email', person.email);
  await page.fill('#password', person.password);
  await page.click('button[type=submit]');
  await page.click(`[data-job-id="${person.jobId}"] .button.primary`);
  await currentImage();
});

it('finishes the job; the output manifest holds the drawn boxes within 1 px', async () => {
  needJob();
  // Whatever is left (the expired image comes back to the pool).
  for (;;) {
    const done = await page.locator('#done:not([hidden])').count();
    if (done > 0) break;
    const image = await currentImage().catch(() => undefined);
    if (!image) {
      await page.waitForTimeout(500);
      continue;
    }
    // One box of the second label on each: with the keyboard step's box of that label, it has two
    // images or more, which the dataset's test set needs whichever images are left.
    await page.keyboard.press('2');
    await page.keyboard.press('b');
    await page.locator('#box-list li[data-box]').first().waitFor();
    answered.push({ taskId: image.taskId, boxes: await listedBoxes() });
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
  // Each box with a dark outline and its label's name, so it shows on a logo of its own colour.
  expect(await tile.locator('svg path.outline').count()).toBe(first.boxes.length);
  expect((await tile.locator('svg text').allTextContents()).sort()).toEqual(first.boxes.map((b) => b.label).sort());
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, 'review.png') });
  await tile.click();
  await page.locator('.compare').waitFor();
  expect(await page.locator('.consolidated svg rect').count()).toBe(first.boxes.length);
  expect(await page.locator('.labeler svg rect').count()).toBe(first.boxes.length);
  expect(await seriousViolations(page)).toEqual([]);
});

it("shows the pool's password rules before the first try, and the field refuses a password that breaks them", async () => {
  needJob();
  const email = 'new-labeler@example.com';
  const cognito = new CognitoIdentityProviderClient({
    endpoint: env.builtin.cognito.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: env.builtin.cognito.standIn.userPoolId,
      Username: email,
      TemporaryPassword: 'Temporary-Pass-2026',
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  await page.click('.user .link'); // sign out
  await page.fill('#email', email);
  await page.fill('#password', 'Temporary-Pass-2026');
  const challenges: Request[] = [];
  const onRequest = (r: Request) => {
    if ((r.headers()['x-amz-target'] ?? '').endsWith('RespondToAuthChallenge')) challenges.push(r);
  };
  page.on('request', onRequest);
  await page.click('button[type=submit]');
  await page.locator('#new-password').waitFor();
  expect(await page.textContent('#pw-rules')).toBe(
    'At least 12 characters, with an upper-case letter, a lower-case letter, a digit and a symbol (such as ! ? # - _).',
  );
  expect(await seriousViolations(page)).toEqual([]);
  /** Types a password twice and presses Enter; whether the field accepted it, read before the form goes. */
  const accepted = async (password: string) => {
    await page.fill('#new-password', password);
    await page.fill('#new-password-again', password);
    const valid = await page.locator('#new-password').evaluate((el: HTMLInputElement) => el.validity.valid);
    await page.keyboard.press('Enter');
    return valid;
  };
  expect(await accepted('Short-1a')).toBe(false);
  expect(await accepted('no-upper-case-or-digit')).toBe(false);
  await page.locator('#new-password').waitFor();
  expect(challenges).toHaveLength(0);
  expect(await accepted('A-Good-Password-2026')).toBe(true);
  await page.locator('h1', { hasText: 'My jobs' }).waitFor();
  page.off('request', onRequest);
  expect(challenges).toHaveLength(1);
});
