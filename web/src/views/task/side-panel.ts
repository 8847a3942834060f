import { boxOf, type LabeledShape, labelOf } from '../../lib/answer';
import type { JobDetail } from '../../lib/api';
import { colorOf } from '../../lib/colors';
import { h } from '../../lib/dom';
import { type Size, snapBox } from '../../lib/geometry';
import type { Action } from '../../lib/keymap';
import { renderMarkdown } from '../../lib/markdown';

/** What the panel's controls do: the same actions as the keys. */
export interface PanelActions {
  act(action: Action): void;
  submit(): void;
  skip(): void;
  instructions(): void;
  select(id: string): void;
  /** Where focus goes back after a mouse click, so Enter does not press the button again. */
  stage: HTMLElement;
}

/** What the panel shows of the image on screen. */
export interface PanelState {
  shapes: readonly LabeledShape[];
  selectedId: string | undefined;
  activeLabel: number;
  nothingToLabel: boolean;
  image: Size;
}

const refocus = (event: Event, stage: HTMLElement) => {
  if ((event as MouseEvent).detail > 0) stage.focus();
};

const examplesList = (job: JobDetail, open: () => void): HTMLElement =>
  h(
    'ul',
    { class: 'examples' },
    ...job.examples.map((e) =>
      h(
        'li',
        { class: `example example-${e.kind}` },
        h(
          'button',
          { type: 'button', class: 'thumb', onclick: open, 'aria-label': `${e.kind} example: ${e.caption}` },
          h('img', { src: e.url, alt: '' }),
        ),
        h('span', { class: `badge badge-${e.kind}` }, e.kind === 'good' ? '✓ good' : '✗ bad'),
        h('span', { class: 'caption' }, e.caption),
      ),
    ),
  );

/** The side panel: the job, progress, labels, the boxes drawn, the actions and the instructions. */
export class SidePanel {
  readonly progress = h('p', { class: 'muted', id: 'progress' });
  readonly labelList = h('ol', { class: 'labels', 'aria-label': 'Labels' });
  readonly boxList = h('ol', { class: 'boxes', id: 'box-list', 'aria-label': 'Boxes on this image' });
  readonly nothing = h('input', { type: 'checkbox', id: 'nothing' });
  readonly element: HTMLElement;

  constructor(
    private readonly job: JobDetail,
    private readonly actions: PanelActions,
  ) {
    this.nothing.addEventListener('change', () => actions.act({ type: 'nothingToLabel' }));
    this.element = h(
      'aside',
      { class: 'side', 'aria-label': 'Task' },
      h('h1', {}, job.title),
      this.progress,
      h('h2', {}, 'Label'),
      this.labelList,
      h('h2', {}, 'Boxes'),
      this.boxList,
      h('label', { class: 'nothing', for: 'nothing' }, this.nothing, ' Nothing to label here ', h('kbd', {}, 'N')),
      this.buttons(),
      this.instructions(),
    );
  }

  private button(text: string, key: string, onClick: () => void, cls = ''): HTMLButtonElement {
    const onclick = (event: Event) => {
      onClick();
      refocus(event, this.actions.stage);
    };
    return h('button', { type: 'button', class: cls, onclick }, text, h('kbd', {}, key));
  }

  private buttons(): HTMLElement[] {
    const { act, submit, skip } = this.actions;
    return [
      h(
        'div',
        { class: 'actions' },
        this.button('Submit', 'Enter', submit, 'primary'),
        this.button('Skip', 'Shift+S', skip),
      ),
      h(
        'div',
        { class: 'actions small' },
        this.button('Undo', 'Ctrl+Z', () => act({ type: 'undo' })),
        this.button('Redo', 'Ctrl+Y', () => act({ type: 'redo' })),
        this.button('Fit', '0', () => act({ type: 'fit' })),
        this.button('Hide boxes', 'H', () => act({ type: 'toggleBoxes' })),
        this.button('Keys', '?', () => act({ type: 'help' })),
      ),
    ];
  }

  private instructions(): HTMLElement {
    const body = h('div', { class: 'markdown instructions' });
    body.innerHTML = renderMarkdown(this.job.instructions || '_No instructions for this job._');
    const open = () => this.actions.instructions();
    return h(
      'section',
      { 'aria-labelledby': 'instructions-title' },
      h(
        'h2',
        { id: 'instructions-title' },
        'Instructions ',
        h('button', { type: 'button', class: 'link', onclick: open }, 'show in full (I)'),
      ),
      body,
      examplesList(this.job, open),
    );
  }

  render(state: PanelState): void {
    this.renderLabels(state.activeLabel);
    this.boxList.replaceChildren(
      ...(state.shapes.length === 0
        ? [h('li', { class: 'muted' }, state.nothingToLabel ? 'Nothing to label.' : 'Drag on the image to draw a box.')]
        : state.shapes.map((shape, i) => this.boxItem(shape, i, state))),
    );
    this.nothing.checked = state.nothingToLabel;
  }

  private boxItem(shape: LabeledShape, i: number, state: PanelState): HTMLElement {
    const b = snapBox(boxOf(shape), state.image) ?? boxOf(shape);
    const label = labelOf(shape);
    const select = () => this.actions.select(shape.id);
    return h(
      'li',
      {
        class: shape.id === state.selectedId ? 'selected' : '',
        'data-box': `${label ?? ''} ${b.left} ${b.top} ${b.width} ${b.height}`,
      },
      h(
        'button',
        { type: 'button', class: 'link', onclick: select },
        h('span', { class: 'swatch', style: `background:${colorOf(this.job.labels, label)}` }),
        `${i + 1}. ${label ?? 'no label'} `,
        h('span', { class: 'muted' }, `${b.width}×${b.height} at ${b.left}, ${b.top}`),
      ),
    );
  }

  private renderLabels(active: number): void {
    const { act, stage } = this.actions;
    this.labelList.replaceChildren(
      ...this.job.labels.map((label, i) => {
        const onclick = (event: Event) => {
          act({ type: 'label', index: i });
          refocus(event, stage);
        };
        return h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `label-button${i === active ? ' active' : ''}`,
              'aria-pressed': String(i === active),
              style: `--c:${colorOf(this.job.labels, label)}`,
              onclick,
            },
            i < 9 ? h('kbd', {}, String(i + 1)) : null,
            label,
          ),
        );
      }),
    );
  }
}
