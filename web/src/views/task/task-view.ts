import type { JobDetail, Task } from '../../lib/api';
import type { AppContext } from '../../lib/app-context';
import { BoxEditor, type EditAction, isEdit } from '../../lib/box-editing';
import { h, toast } from '../../lib/dom';
import { type Action, actionFor } from '../../lib/keymap';
import { ResendQueue } from '../../lib/resend-queue';
import { type DoneReason, type Pause, TaskFlow, type TaskScreen } from '../../lib/task-flow';
import { TaskCanvas } from './canvas';
import { helpDialog, instructionsDialog } from './dialogs';
import { doneCard, pausedCard } from './screens';
import { SidePanel } from './side-panel';

const TYPING = 'input[type="text"], input[type="email"], input[type="password"], textarea';

const clock = {
  now: () => Date.now(),
  later: (run: () => void, ms: number) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

/** The task view: the canvas, the side panel and the dialogs, driven by the DOM-free TaskFlow. */
class TaskView implements TaskScreen {
  readonly canvas: TaskCanvas;
  readonly panel: SidePanel;
  readonly editor: BoxEditor;
  readonly flow: TaskFlow;
  readonly help = helpDialog();
  readonly instructions: ReturnType<typeof instructionsDialog>;
  readonly leaseLabel = h('span', { class: 'lease', id: 'lease' });
  readonly pendingLabel = h('span', { class: 'pending', id: 'pending', role: 'status' });
  readonly layout: HTMLElement;
  readonly status = h('section', { class: 'card done', id: 'done', hidden: true });

  constructor(
    readonly ctx: AppContext,
    readonly job: JobDetail,
  ) {
    this.canvas = new TaskCanvas(job.labels, {
      drawn: (shape) => {
        this.editor.lastDrawn = shape.id;
        this.editor.adopt(shape);
      },
      changed: () => this.renderBoxes(),
    });
    this.editor = new BoxEditor(job.labels, this.canvas, this.canvas);
    this.instructions = instructionsDialog(job);
    this.panel = new SidePanel(job, {
      act: (action) => this.act(action),
      submit: () => this.submit(),
      skip: () => this.skip(),
      instructions: () => this.instructions.open(),
      select: (id) => this.canvas.select(id),
      stage: this.canvas.stage,
    });
    this.flow = new TaskFlow(job, ctx.api, new ResendQueue(localStorage), this, clock);
    const hud = h('div', { class: 'hud' }, this.canvas.zoomLabel, this.leaseLabel, this.pendingLabel);
    this.canvas.stage.append(hud);
    this.layout = h('div', { class: 'task-layout' }, this.canvas.stage, this.panel.element);
  }

  mount(): void {
    const { ctx } = this;
    ctx.root.replaceChildren(this.layout, this.status, this.help, this.instructions.dialog);
    ctx.root.classList.add('wide');
    const onKey = (event: KeyboardEvent) => this.onKey(event);
    const onOnline = () => void this.flow.reconnect().catch((e: unknown) => this.fail(e));
    const tick = setInterval(() => this.tick(), 500);
    window.addEventListener('keydown', onKey, { capture: true });
    window.addEventListener('online', onOnline);
    ctx.onLeave(() => {
      ctx.root.classList.remove('wide');
      window.removeEventListener('keydown', onKey, { capture: true });
      window.removeEventListener('online', onOnline);
      clearInterval(tick);
      this.flow.stop();
      this.canvas.destroy();
    });
    this.renderBoxes();
  }

  // ---- TaskScreen --------------------------------------------------------------------------
  showTask(task: Task): void {
    this.editor.reset();
    this.canvas.show(task, this.job.imageCount);
    this.layout.hidden = false;
    this.status.hidden = true;
    this.renderBoxes();
    this.refresh();
    this.canvas.stage.focus();
  }

  showDone(reason: DoneReason): void {
    this.showStatus(doneCard(reason, () => void this.flow.start().catch((e: unknown) => this.fail(e))));
  }

  showPaused(pause: Pause): void {
    this.showStatus(pausedCard(pause, () => void this.flow.reconnect().catch((e: unknown) => this.fail(e))));
    this.status.classList.add('paused');
    this.refresh();
  }

  private showStatus(content: (HTMLElement | null)[]): void {
    this.canvas.clear();
    this.layout.hidden = true;
    this.status.hidden = false;
    this.status.classList.remove('paused');
    this.status.replaceChildren(...content.filter((c) => c !== null));
  }

  notify(message: string, kind: 'info' | 'warn' | 'error', ms?: number): void {
    toast(message, kind, ms);
  }

  refresh(): void {
    this.panel.progress.textContent = this.flow.progressText();
    this.pendingLabel.textContent = this.flow.waitingText();
    // Whether the next image is ready (prefetched), for the curious and for the browser tests.
    this.canvas.stage.dataset.nextTask = this.flow.nextTaskId() ?? '';
  }

  preload(url: string): void {
    const img = new Image();
    img.src = url;
    void img.decode().catch(() => undefined);
  }

  // ---- actions -----------------------------------------------------------------------------
  private renderBoxes(): void {
    const selected = this.canvas.selected();
    if (selected && selected.id !== this.editor.lastDrawn) this.editor.lastDrawn = null;
    this.panel.render({
      shapes: this.canvas.list(),
      selectedId: selected?.id,
      activeLabel: this.editor.activeLabel(),
      nothingToLabel: this.editor.nothingToLabel,
      image: this.canvas.image(),
    });
    this.canvas.drawTags();
  }

  private tick(): void {
    const left = this.flow.tick();
    if (left === null) {
      this.leaseLabel.textContent = '';
      return;
    }
    this.leaseLabel.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
    this.leaseLabel.classList.toggle('urgent', left < 60);
  }

  private submit(): void {
    this.canvas.deselect();
    const problem = this.flow.submit(this.canvas.list(), this.canvas.image(), this.editor.nothingToLabel);
    if (problem) toast(problem, 'warn');
  }

  private skip(): void {
    void this.flow.skip().catch((e: unknown) => this.fail(e));
  }

  private fail(error: unknown): void {
    toast(error instanceof Error ? error.message : String(error), 'error');
  }

  act(action: Action): void {
    if (isEdit(action)) {
      if (this.editor.apply(action)) this.renderBoxes();
      else if (action.type === 'move') this.canvas.pan(-action.dx * 20, -action.dy * 20);
      return;
    }
    this.viewActions[action.type]();
  }

  /** The actions that are not box edits: the flow, the view and the dialogs. */
  private readonly viewActions: Record<Exclude<Action, EditAction>['type'], () => void> = {
    submit: () => this.submit(),
    skip: () => this.skip(),
    deselect: () => this.canvas.deselect(),
    zoomIn: () => this.canvas.zoom(1.25),
    zoomOut: () => this.canvas.zoom(0.8),
    fit: () => this.canvas.fit(),
    help: () => (this.help.open ? this.help.close() : this.help.showModal()),
    instructions: () => this.instructions.open(),
    toggleBoxes: () => this.canvas.toggleBoxes(),
  };

  private onKey(event: KeyboardEvent): void {
    if (this.help.open || this.instructions.dialog.open) {
      if (event.key === '?' && this.help.open) {
        event.preventDefault();
        this.help.close();
      }
      return; // the dialog handles Escape itself
    }
    const target = event.target as HTMLElement | null;
    if (target?.matches(TYPING)) return;
    const action = actionFor(event);
    if (!action || !this.flow.current) return;
    // On a focused button or link, Enter keeps its usual meaning.
    if (action.type === 'submit' && target?.matches('button, a, input, summary')) return;
    event.preventDefault();
    event.stopPropagation(); // before Annotorious's own Ctrl+Z handler, so undo happens once
    this.act(action);
  }
}

/** The task view: one image, its boxes, the labels and the flow from one image to the next. */
export const renderTask = async (ctx: AppContext, jobId: string): Promise<void> => {
  const view = new TaskView(ctx, await ctx.api.job(jobId));
  view.mount();
  await view.flow.start();
};
