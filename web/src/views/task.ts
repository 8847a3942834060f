import { createImageAnnotator, type ImageAnnotation, type ImageAnnotator } from '@annotorious/annotorious';
import '@annotorious/annotorious/annotorious.css';
import { boxOf, buildAnswer, geometryOf, type LabeledShape, labelOf, sameBox } from '../lib/answer';
import { ApiError, type JobDetail, type Task } from '../lib/api';
import { h, toast } from '../lib/dom';
import {
  type Box,
  boxInView,
  fitView,
  moveBox,
  panBy,
  resizeBox,
  snapBox,
  type View,
  visibleImageRect,
  zoomAt,
} from '../lib/geometry';
import { type Action, actionFor, keyHelp, POINTER_HELP } from '../lib/keymap';
import { renderMarkdown } from '../lib/markdown';
import { classifyReply, type PendingAnswer, ResendQueue, retryDelayMs, type SendOutcome } from '../lib/resend-queue';
import type { AppContext } from '../main';

/** Label colours, by the label's position (the same in the review page). */
export const LABEL_COLORS = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#9333ea',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#475569',
] as const;
export const colorOf = (labels: readonly string[], label: string | undefined): `#${string}` =>
  label === undefined
    ? '#f8fafc'
    : (LABEL_COLORS[Math.max(0, labels.indexOf(label)) % LABEL_COLORS.length] ?? '#2563eb');

const REFUSAL_TEXT: Record<string, string> = {
  LEASE_LOST:
    'came too late: its time limit had passed and the image went back to the pool, so this answer was not recorded.',
  ALREADY_ANSWERED:
    'was already answered from another tab or window with a different answer; this one was not recorded.',
  JOB_CLOSED: 'arrived after the job closed; it was not recorded.',
};

const loadImage = (url: string): Promise<void> => {
  const img = new Image();
  img.src = url;
  return img.decode().catch(() => undefined);
};

/** A lease about to run out is not worth starting on. */
const leaseEnding = (task: Task): boolean => Date.parse(task.leaseExpiresAt) < Date.now() + 3000;

const asShape = (a: ImageAnnotation): LabeledShape => a as unknown as LabeledShape;

interface TaskState {
  job: JobDetail;
  current: Task | null;
  next: Task | null;
  shownAt: number;
  nextLabel: number;
  nothingToLabel: boolean;
  view: View;
  annotator: ImageAnnotator | null;
  /** The box drawn last, which a number key labels while nothing is selected. */
  lastDrawn: string | null;
  /** The box B just made: it stays selected, for the arrow keys. */
  keyedBox: string | null;
}

/** The task view: one image, its boxes, the labels and the flow from one image to the next. */
export const renderTask = async (ctx: AppContext, jobId: string): Promise<void> => {
  const { api } = ctx;
  const queue = new ResendQueue(localStorage);
  const job = await api.job(jobId);
  const s: TaskState = {
    job,
    current: null,
    next: null,
    shownAt: Date.now(),
    nextLabel: 0,
    nothingToLabel: false,
    view: { scale: 1, x: 0, y: 0 },
    annotator: null,
    lastDrawn: null,
    keyedBox: null,
  };

  // ---- layout -------------------------------------------------------------------------------
  const canvas = h('div', { class: 'canvas' });
  const stage = h(
    'section',
    { class: 'stage', tabindex: 0, 'aria-label': 'Image to label. Press ? for the keys.', id: 'stage' },
    canvas,
  );
  const zoomLabel = h('span', { class: 'zoom', 'aria-live': 'off' });
  const leaseLabel = h('span', { class: 'lease', id: 'lease' });
  const pendingLabel = h('span', { class: 'pending', id: 'pending', role: 'status' });
  const hud = h('div', { class: 'hud' }, zoomLabel, leaseLabel, pendingLabel);
  const labelList = h('ol', { class: 'labels', 'aria-label': 'Labels' });
  const boxList = h('ol', { class: 'boxes', id: 'box-list', 'aria-label': 'Boxes on this image' });
  const nothing = h('input', { type: 'checkbox', id: 'nothing' });
  const progress = h('p', { class: 'muted', id: 'progress' });
  const instructions = h('div', { class: 'markdown instructions' });
  instructions.innerHTML = renderMarkdown(job.instructions || '_No instructions for this job._');
  const examples = h(
    'ul',
    { class: 'examples' },
    ...job.examples.map((e) =>
      h(
        'li',
        { class: `example example-${e.kind}` },
        h(
          'button',
          {
            type: 'button',
            class: 'thumb',
            onclick: () => openInstructions(),
            'aria-label': `${e.kind} example: ${e.caption}`,
          },
          h('img', { src: e.url, alt: '' }),
        ),
        h('span', { class: `badge badge-${e.kind}` }, e.kind === 'good' ? '✓ good' : '✗ bad'),
        h('span', { class: 'caption' }, e.caption),
      ),
    ),
  );
  const button = (text: string, key: string, onClick: () => void, cls = '') =>
    h(
      'button',
      {
        type: 'button',
        class: cls,
        onclick: (event: Event) => {
          onClick();
          // A mouse click must not leave focus on the button, or Enter would press it again.
          if ((event as MouseEvent).detail > 0) stage.focus();
        },
      },
      text,
      h('kbd', {}, key),
    );
  const side = h(
    'aside',
    { class: 'side', 'aria-label': 'Task' },
    h('h1', {}, job.title),
    progress,
    h('h2', {}, 'Label'),
    labelList,
    h('h2', {}, 'Boxes'),
    boxList,
    h('label', { class: 'nothing', for: 'nothing' }, nothing, ' Nothing to label here ', h('kbd', {}, 'N')),
    h(
      'div',
      { class: 'actions' },
      button('Submit', 'Enter', () => submit(), 'primary'),
      button('Skip', 'Shift+S', () => void skip()),
    ),
    h(
      'div',
      { class: 'actions small' },
      button('Undo', 'Ctrl+Z', () => act({ type: 'undo' })),
      button('Redo', 'Ctrl+Y', () => act({ type: 'redo' })),
      button('Fit', '0', () => act({ type: 'fit' })),
      button('Keys', '?', () => act({ type: 'help' })),
    ),
    h(
      'section',
      { 'aria-labelledby': 'instructions-title' },
      h(
        'h2',
        { id: 'instructions-title' },
        'Instructions ',
        h('button', { type: 'button', class: 'link', onclick: () => openInstructions() }, 'show in full (I)'),
      ),
      instructions,
      examples,
    ),
  );
  const help = h(
    'dialog',
    { class: 'help', id: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, 'Keys'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...[...keyHelp(), ...POINTER_HELP].map((k) =>
          h('tr', {}, h('th', { scope: 'row' }, h('kbd', {}, k.keys)), h('td', {}, k.what)),
        ),
      ),
    ),
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close (Esc)')),
  );
  const fullInstructions = h(
    'dialog',
    { class: 'full-instructions', id: 'full-instructions', 'aria-labelledby': 'full-title' },
    h('h2', { id: 'full-title' }, 'Instructions'),
  );
  const done = h('section', { class: 'card done', id: 'done', hidden: true });
  const layout = h('div', { class: 'task-layout' }, stage, hud, side);
  ctx.root.replaceChildren(layout, done, help, fullInstructions);
  ctx.root.classList.add('wide');
  ctx.onLeave(() => ctx.root.classList.remove('wide'));

  const openInstructions = () => {
    const body = h('div', { class: 'markdown' });
    body.innerHTML = renderMarkdown(job.instructions || '_No instructions for this job._');
    fullInstructions.replaceChildren(
      h('h2', { id: 'full-title' }, 'Instructions'),
      body,
      h(
        'div',
        { class: 'examples-full' },
        ...job.examples.map((e) =>
          h(
            'figure',
            { class: `example-${e.kind}` },
            h('img', { src: e.url, alt: `${e.kind} example: ${e.caption}` }),
            h('figcaption', {}, h('span', { class: `badge badge-${e.kind}` }, e.kind), ' ', e.caption),
          ),
        ),
      ),
      h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close (Esc)')),
    );
    fullInstructions.showModal();
  };

  // ---- labels and boxes ---------------------------------------------------------------------
  const shapes = (): LabeledShape[] => (s.annotator?.getAnnotations() ?? []).map(asShape);
  const store = () => s.annotator?.state.store;

  const renderLabels = () => {
    const selected = s.annotator?.getSelected()[0];
    const active = selected ? job.labels.indexOf(labelOf(asShape(selected)) ?? '') : s.nextLabel;
    labelList.replaceChildren(
      ...job.labels.map((label, i) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `label-button${i === active ? ' active' : ''}`,
              'aria-pressed': String(i === active),
              style: `--c:${colorOf(job.labels, label)}`,
              onclick: (event: Event) => {
                act({ type: 'label', index: i });
                if ((event as MouseEvent).detail > 0) stage.focus();
              },
            },
            i < 9 ? h('kbd', {}, String(i + 1)) : null,
            label,
          ),
        ),
      ),
    );
  };

  const renderBoxes = () => {
    const selectedId = s.annotator?.getSelected()[0]?.id;
    const list = shapes();
    boxList.replaceChildren(
      ...(list.length === 0
        ? [h('li', { class: 'muted' }, s.nothingToLabel ? 'Nothing to label.' : 'Drag on the image to draw a box.')]
        : list.map((shape, i) => {
            const b = snapBox(boxOf(shape), image()) ?? boxOf(shape);
            const label = labelOf(shape);
            return h(
              'li',
              {
                class: shape.id === selectedId ? 'selected' : '',
                'data-box': `${label ?? ''} ${b.left} ${b.top} ${b.width} ${b.height}`,
              },
              h(
                'button',
                { type: 'button', class: 'link', onclick: () => s.annotator?.setSelected(shape.id, true) },
                h('span', { class: 'swatch', style: `background:${colorOf(job.labels, label)}` }),
                `${i + 1}. ${label ?? 'no label'} `,
                h('span', { class: 'muted' }, `${b.width}×${b.height} at ${b.left}, ${b.top}`),
              ),
            );
          })),
    );
    nothing.checked = s.nothingToLabel;
    renderLabels();
  };

  const image = () => ({ width: s.current?.width ?? 1, height: s.current?.height ?? 1 });

  const setLabel = (shape: LabeledShape, label: string) => {
    store()?.updateAnnotation({
      ...(shape as unknown as ImageAnnotation),
      bodies: [{ id: `${shape.id}-label`, annotation: shape.id, purpose: 'tagging', value: label }],
    });
  };

  const setBox = (shape: LabeledShape, box: Box) => {
    const a = shape as unknown as ImageAnnotation;
    store()?.updateAnnotation({
      ...a,
      target: { ...a.target, selector: { ...a.target.selector, geometry: geometryOf(box) } },
    } as ImageAnnotation);
  };

  /** Keeps a drawn or edited box inside the image on whole pixels; drops one that ends up too small. */
  const snap = (shape: LabeledShape) => {
    const box = boxOf(shape);
    const snapped = snapBox(box, image());
    if (!snapped) store()?.deleteAnnotation(shape.id);
    else if (!sameBox(box, snapped)) setBox(shape, snapped);
  };

  // ---- view ---------------------------------------------------------------------------------
  const applyView = () => {
    const { scale, x, y } = s.view;
    canvas.style.transform = `translate(${x}px, ${y}px)`;
    const img = canvas.querySelector('img');
    if (img && s.current) {
      img.style.width = `${s.current.width * scale}px`;
      img.style.height = `${s.current.height * scale}px`;
    }
    zoomLabel.textContent = `${Math.round(scale * 100)}%`;
  };
  const viewport = () => ({ width: stage.clientWidth, height: stage.clientHeight });
  const fitToWindow = () => {
    if (!s.current) return;
    s.view = fitView(viewport(), image());
    applyView();
  };

  let spaceDown = false;
  let pan: { x: number; y: number } | null = null;
  stage.addEventListener(
    'pointerdown',
    (event) => {
      if (event.button === 1 || (event.button === 0 && spaceDown)) {
        event.preventDefault();
        event.stopPropagation();
        pan = { x: event.clientX, y: event.clientY };
        stage.setPointerCapture(event.pointerId);
        stage.classList.add('panning');
      }
    },
    { capture: true },
  );
  stage.addEventListener('pointermove', (event) => {
    if (!pan) return;
    s.view = panBy(s.view, event.clientX - pan.x, event.clientY - pan.y);
    pan = { x: event.clientX, y: event.clientY };
    applyView();
  });
  const endPan = () => {
    pan = null;
    stage.classList.remove('panning');
  };
  stage.addEventListener('pointerup', endPan);
  stage.addEventListener('pointercancel', endPan);
  stage.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const rect = stage.getBoundingClientRect();
      s.view = zoomAt(s.view, Math.exp(-event.deltaY / 500), event.clientX - rect.left, event.clientY - rect.top);
      applyView();
    },
    { passive: false },
  );
  const zoomCentre = (factor: number) => {
    const v = viewport();
    s.view = zoomAt(s.view, factor, v.width / 2, v.height / 2);
    applyView();
  };
  const resize = new ResizeObserver(() => fitToWindow());
  resize.observe(stage);

  // ---- one image ----------------------------------------------------------------------------
  const showTask = (task: Task) => {
    s.annotator?.destroy();
    s.current = task;
    s.shownAt = Date.now();
    s.nothingToLabel = false;
    s.lastDrawn = null;
    const img = h('img', {
      src: task.imageUrl,
      alt: `Image ${Number(task.taskId) + 1} of ${job.imageCount}`,
      draggable: 'false',
      id: 'task-image',
      'data-task-id': task.taskId,
    });
    canvas.replaceChildren(img);
    const annotator = createImageAnnotator(img, {
      drawingEnabled: true,
      drawingMode: 'drag',
      style: (a: ImageAnnotation) => {
        const c = colorOf(job.labels, labelOf(asShape(a)));
        return { fill: c, fillOpacity: 0.12, stroke: c, strokeWidth: 2 };
      },
    });
    annotator.setDrawingTool('rectangle');
    // Annotorious hands events over a moment later, with the annotation as it was then: read the store's.
    const latest = (id: string) => {
      const a = s.annotator?.getAnnotationById(id);
      return a ? asShape(a) : undefined;
    };
    const adopt = (id: string) => {
      const shape = latest(id);
      if (!shape) return;
      s.nothingToLabel = false;
      if (!labelOf(shape)) setLabel(shape, job.labels[s.nextLabel] ?? job.labels[0] ?? '');
      const fresh = latest(id);
      if (fresh) snap(fresh);
      renderBoxes();
    };
    // A drawn box: labelled, snapped and deselected right after Annotorious selects it (it stops
    // drawing while a box is selected, so the next drag would only deselect); a number key still
    // labels it (lastDrawn). A box made with B stays selected, for the arrow keys.
    annotator.state.store.observe(({ changes }) => {
      for (const created of changes.created ?? []) {
        if (created.id === s.keyedBox) continue;
        s.lastDrawn = created.id;
        queueMicrotask(() => {
          adopt(created.id);
          if (s.annotator?.getSelected()[0]?.id === created.id) s.annotator.cancelSelected();
        });
      }
    });
    annotator.on('createAnnotation', (a) => adopt(a.id));
    annotator.on('updateAnnotation', (a) => {
      const shape = latest(a.id);
      if (shape) snap(shape);
      renderBoxes();
    });
    annotator.on('deleteAnnotation', () => renderBoxes());
    annotator.on('selectionChanged', (selected) => {
      if (selected.some((a) => a.id !== s.lastDrawn)) s.lastDrawn = null;
      renderBoxes();
    });
    annotator.state.store.observe(() => renderBoxes());
    s.annotator = annotator;
    layout.hidden = false;
    done.hidden = true;
    fitToWindow();
    renderBoxes();
    updateProgress();
    stage.focus();
  };

  const updateProgress = () => {
    progress.textContent = `Image ${s.current ? Number(s.current.taskId) + 1 : '–'} of ${job.imageCount} · ${job.myAnswers} answered by you`;
  };

  const showDone = (reason: 'NO_TASKS_LEFT' | 'ALL_LEASED') => {
    s.annotator?.destroy();
    s.annotator = null;
    s.current = null;
    layout.hidden = true;
    done.hidden = false;
    done.replaceChildren(
      h('h1', {}, reason === 'NO_TASKS_LEFT' ? 'All done here' : 'Others are on the last images'),
      h(
        'p',
        {},
        reason === 'NO_TASKS_LEFT'
          ? 'There is no image left for you in this job: thank you.'
          : 'The remaining images are leased by other labelers right now. One comes back if its lease runs out.',
      ),
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button', href: '#/jobs' }, 'Back to my jobs'),
        reason === 'ALL_LEASED' ? h('button', { type: 'button', onclick: () => void start() }, 'Try again') : null,
      ),
    );
  };

  // ---- leases, prefetch, answers ------------------------------------------------------------
  const claim = async (): Promise<Task | 'NO_TASKS_LEFT' | 'ALL_LEASED' | null> => {
    try {
      const reply = await api.claim(jobId);
      return reply.task ?? reply.reason;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'TOO_MANY_LEASES') return null;
      throw error;
    }
  };

  const prefetch = async () => {
    if (s.next) return;
    const got = await claim().catch(() => null);
    if (got && typeof got === 'object') {
      s.next = got;
      void loadImage(got.imageUrl);
    }
  };

  const advance = async () => {
    const next = s.next;
    s.next = null;
    if (next && Date.parse(next.leaseExpiresAt) > Date.now() + 5000) {
      showTask(next);
      void flush().catch(reportError);
      return;
    }
    const got = await claim();
    if (got === null) return resumeLeased();
    if (typeof got === 'string') return showDone(got);
    showTask(got);
    void flush();
  };

  /** Claiming refused (TOO_MANY_LEASES): another tab holds leases, or answers still wait to be sent. */
  const resumeLeased = async () => {
    const mine = (await api.myTasks(jobId)).tasks.filter(
      (t) => !queue.has(jobId, t.taskId) && t.taskId !== s.current?.taskId && !leaseEnding(t),
    );
    if (mine[0]) return showTask(mine[0]);
    toast('Waiting for your previous answers to be sent before the next image…', 'info', 3000);
    setTimeout(() => void advance().catch(reportError), 3000);
  };

  const send = async (answer: PendingAnswer): Promise<SendOutcome> => {
    const reply = await api.answer(answer.jobId, answer.taskId, answer.body);
    return classifyReply(reply.status, reply.body);
  };

  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | null = null;
  /** Sends what the queue holds; a call during a flush runs once more after it. Then prefetches. */
  const flush = (): Promise<void> => {
    if (flushing) return flushing.then(() => flush());
    flushing = flushOnce().finally(() => {
      flushing = null;
    });
    return flushing;
  };
  const flushOnce = async () => {
    clearTimeout(flushTimer);
    const report = await queue.flush(send);
    for (const answer of report.delivered) {
      if (answer.jobId === jobId) job.myAnswers += 1;
    }
    for (const { answer, code, message } of report.refused) {
      const what = REFUSAL_TEXT[code] ?? `was refused: ${message}`;
      toast(`Your answer for image ${Number(answer.taskId) + 1} ${what}`, 'warn', 10_000);
    }
    const waiting = report.waiting.length;
    pendingLabel.textContent = waiting === 0 ? '' : `${waiting} answer${waiting > 1 ? 's' : ''} waiting to be sent`;
    if (waiting > 0) {
      const attempts = Math.max(...report.waiting.map((a) => a.attempts));
      flushTimer = setTimeout(() => void flush(), retryDelayMs(attempts));
    } else if (s.current && !s.next) {
      // Only once the answered image's lease is consumed: the API allows two leases at a time.
      void prefetch();
    }
    updateProgress();
  };
  const onOnline = () => void flush();
  window.addEventListener('online', onOnline);

  const submit = () => {
    const task = s.current;
    if (!task) return;
    s.annotator?.cancelSelected();
    const check = buildAnswer(shapes(), image(), job.labels, s.nothingToLabel, Date.now() - s.shownAt);
    if (!check.ok) {
      toast(check.problem, 'warn');
      return;
    }
    queue.add(jobId, task.taskId, check.body);
    // The next image at once; the answer (and then the next prefetch) in the background.
    void advance().catch(reportError);
    void flush().catch(reportError);
  };

  const skip = async () => {
    const task = s.current;
    if (!task) return;
    try {
      await api.skip(jobId, task.taskId);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'LEASE_LOST')) throw error;
    }
    await advance();
  };

  const reportError = (error: unknown) => toast(error instanceof Error ? error.message : String(error), 'error');

  const leaseTick = setInterval(() => {
    const task = s.current;
    if (!task) {
      leaseLabel.textContent = '';
      return;
    }
    const left = Math.round((Date.parse(task.leaseExpiresAt) - Date.now()) / 1000);
    if (left <= 0) {
      toast(
        `Time is up for image ${Number(task.taskId) + 1}: its lease expired and it went back to the pool. Here is the next one.`,
        'warn',
        10_000,
      );
      s.current = null;
      void advance().catch(reportError);
      return;
    }
    leaseLabel.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
    leaseLabel.classList.toggle('urgent', left < 60);
  }, 500);

  // ---- keys ---------------------------------------------------------------------------------
  const selected = (): LabeledShape | undefined => {
    const a = s.annotator?.getSelected()[0];
    return a ? asShape(a) : undefined;
  };

  const act = (action: Action) => {
    const current = selected();
    switch (action.type) {
      case 'submit':
        return submit();
      case 'skip':
        return void skip().catch(reportError);
      case 'nothingToLabel':
        s.nothingToLabel = !s.nothingToLabel;
        if (s.nothingToLabel) for (const shape of shapes()) store()?.deleteAnnotation(shape.id);
        return renderBoxes();
      case 'undo':
        return s.annotator?.undo();
      case 'redo':
        return s.annotator?.redo();
      case 'delete':
        if (current) store()?.deleteAnnotation(current.id);
        return;
      case 'label': {
        const label = job.labels[action.index];
        if (label === undefined) return;
        const drawn = s.lastDrawn ? s.annotator?.getAnnotationById(s.lastDrawn) : undefined;
        const target = current ?? (drawn ? asShape(drawn) : undefined);
        if (target) setLabel(target, label);
        s.nextLabel = action.index;
        return renderBoxes();
      }
      case 'newBox': {
        const box = boxInView(visibleImageRect(s.view, viewport(), image()), image());
        const id = crypto.randomUUID();
        s.keyedBox = id;
        const label = job.labels[s.nextLabel] ?? job.labels[0] ?? '';
        store()?.addAnnotation({
          id,
          bodies: [{ id: `${id}-label`, annotation: id, purpose: 'tagging', value: label }],
          target: { annotation: id, selector: { type: 'RECTANGLE', geometry: geometryOf(box) } },
        } as unknown as ImageAnnotation);
        s.nothingToLabel = false;
        s.annotator?.setSelected(id, true);
        return renderBoxes();
      }
      case 'selectNext': {
        const list = shapes();
        if (list.length === 0) return;
        const at = current ? list.findIndex((x) => x.id === current.id) : -1;
        const step = action.backwards ? -1 : 1;
        const next = list[(at + step + list.length) % list.length];
        if (next) s.annotator?.setSelected(next.id, true);
        return;
      }
      case 'deselect':
        return s.annotator?.cancelSelected();
      case 'move':
        if (current) setBox(current, moveBox(boxOf(current), action.dx, action.dy, image()));
        else {
          s.view = panBy(s.view, -action.dx * 20, -action.dy * 20);
          applyView();
        }
        return;
      case 'resize':
        if (current) setBox(current, resizeBox(boxOf(current), action.dw, action.dh, image()));
        return;
      case 'zoomIn':
        return zoomCentre(1.25);
      case 'zoomOut':
        return zoomCentre(0.8);
      case 'fit':
        return fitToWindow();
      case 'help':
        return help.open ? help.close() : help.showModal();
      case 'instructions':
        return openInstructions();
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === ' ' && !event.repeat) spaceDown = true;
    if (help.open || fullInstructions.open) {
      if (event.key === '?' && help.open) {
        event.preventDefault();
        help.close();
      }
      return; // the dialog handles Escape itself
    }
    const target = event.target as HTMLElement | null;
    if (target?.matches('input[type="text"], input[type="email"], input[type="password"], textarea')) return;
    const onControl = target?.matches('button, a, input, summary') ?? false;
    const action = actionFor(event);
    if (!action || !s.current) return;
    // On a focused button or link, Enter, Space and Tab keep their usual meaning.
    if (onControl && (action.type === 'submit' || action.type === 'selectNext')) return;
    event.preventDefault();
    event.stopPropagation(); // before Annotorious's own Ctrl+Z handler, so undo happens once
    act(action);
  };
  const onKeyUp = (event: KeyboardEvent) => {
    if (event.key === ' ') spaceDown = false;
  };
  window.addEventListener('keydown', onKeyDown, { capture: true });
  window.addEventListener('keyup', onKeyUp);
  nothing.addEventListener('change', () => act({ type: 'nothingToLabel' }));

  ctx.onLeave(() => {
    window.removeEventListener('keydown', onKeyDown, { capture: true });
    window.removeEventListener('keyup', onKeyUp);
    window.removeEventListener('online', onOnline);
    clearInterval(leaseTick);
    clearTimeout(flushTimer);
    resize.disconnect();
    s.annotator?.destroy();
  });

  // ---- start: resend what is pending, resume my leases, else claim ---------------------------
  const start = async () => {
    await flush();
    const mine = (await api.myTasks(jobId)).tasks.filter((t) => !queue.has(jobId, t.taskId) && !leaseEnding(t));
    const [first, second] = mine;
    if (first) {
      s.next = second ?? null;
      showTask(first);
      if (second) void loadImage(second.imageUrl);
      else void prefetch();
      return;
    }
    s.next = null;
    await advance();
  };
  renderLabels();
  await start();
};
