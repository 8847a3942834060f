import type { ReviewItemResponse, ReviewListResponse } from '../lib/api';
import type { AppContext } from '../lib/app-context';
import { colorOf, OUTLINE_COLOR } from '../lib/colors';
import { h } from '../lib/dom';
import { reviewHref } from '../lib/route';

type Item = ReviewListResponse['items'][number];
type ReviewBox = Item['boxes'][number];

const SVG = 'http://www.w3.org/2000/svg';

const svgEl = (tag: string, attrs: Record<string, string | number>): SVGElement => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/**
 * One box: a dark outline under the label's colour (visible on an image of that colour) and the
 * label's name on a dark plate at its top-left corner. The outline is a path, so `rect` is the box.
 */
const drawBox = (svg: SVGElement, labels: readonly string[], b: ReviewBox, stroke: number, size: number): void => {
  const c = colorOf(labels, b.label);
  const outline = `M${b.left} ${b.top}h${b.width}v${b.height}h${-b.width}Z`;
  svg.append(
    svgEl('path', { d: outline, fill: 'none', stroke: OUTLINE_COLOR, 'stroke-width': stroke * 2.5, class: 'outline' }),
  );
  const rect = { x: b.left, y: b.top, width: b.width, height: b.height };
  svg.append(
    svgEl('rect', { ...rect, fill: c, 'fill-opacity': 0.12, stroke: c, 'stroke-width': stroke, 'data-label': b.label }),
  );
  const text = svgEl('text', {
    x: b.left + stroke,
    y: Math.max(size, b.top - stroke),
    'font-size': size,
    fill: c,
    stroke: OUTLINE_COLOR,
    'stroke-width': stroke,
    'paint-order': 'stroke',
    class: 'box-name',
  });
  text.textContent = b.label;
  svg.append(text);
};

/** An image with its boxes drawn over it in an SVG sized to the image's own pixels. */
const figure = (
  labels: readonly string[],
  image: { url: string; width: number; height: number; alt: string },
  boxes: readonly ReviewBox[],
  cls: string,
): HTMLElement => {
  const svg = svgEl('svg', {
    viewBox: `0 0 ${image.width} ${image.height}`,
    'aria-hidden': 'true',
    preserveAspectRatio: 'none',
  });
  const stroke = Math.max(2, Math.round(Math.max(image.width, image.height) / 200));
  // Names readable on a thumbnail (about 180 px high): a sixteenth of the image's longer side.
  const size = Math.max(12, Math.round(Math.max(image.width, image.height) / 16));
  for (const b of boxes) drawBox(svg, labels, b, stroke, size);
  const boxed = h(
    'div',
    { class: `boxed ${cls}`, style: `aspect-ratio:${image.width || 4}/${image.height || 3}` },
    h('img', { src: image.url, alt: image.alt, loading: 'lazy' }),
    svg,
  );
  // Thumbnails sit in frames of one height, so the grid's rows line up whatever the image's shape.
  return cls === 'thumb' ? h('div', { class: 'frame' }, boxed) : boxed;
};

const boxLegend = (labels: readonly string[], boxes: readonly ReviewBox[]): HTMLElement =>
  h(
    'ul',
    { class: 'legend' },
    ...boxes.map((b) =>
      h(
        'li',
        {},
        h('span', { class: 'swatch', style: `background:${colorOf(labels, b.label)}` }),
        `${b.label} ${b.width}×${b.height} at ${b.left}, ${b.top}`,
        b.confidence === undefined ? '' : h('span', { class: 'muted' }, ` · confidence ${b.confidence.toFixed(2)}`),
      ),
    ),
  );

const itemCaption = (item: Item): HTMLElement =>
  h(
    'figcaption',
    {},
    h('b', {}, `#${Number(item.taskId) + 1}`),
    ' ',
    item.status === 'unlabeled'
      ? h('span', { class: 'tag tag-warn' }, 'nobody labeled')
      : item.status === 'nothing'
        ? h('span', { class: 'tag' }, 'nothing to label')
        : `${item.boxes.length} box${item.boxes.length === 1 ? '' : 'es'}`,
    item.lowAgreement ? h('span', { class: 'tag tag-warn' }, 'low agreement') : null,
    ...item.rejections.map((r) => h('span', { class: 'tag tag-bad', title: r.message }, r.code)),
  );

const FILTERS = [
  ['all', 'All'],
  ['low-agreement', 'Low agreement'],
  ['unlabeled', 'Nobody labeled'],
  ['rejected', 'Rejected by the conversion'],
] as const;

type Counts = ReviewListResponse['counts'];
const countOf = (counts: Counts, f: string): number =>
  ({ all: counts.all, 'low-agreement': counts.lowAgreement, unlabeled: counts.unlabeled })[f] ?? counts.rejected;

interface Query {
  filter: string;
  label: string;
}

const filterBar = (first: ReviewListResponse, query: Query, setFilter: (f: string, l?: string) => void) => {
  const onchange = (e: Event) => {
    const v = (e.target as HTMLSelectElement).value;
    setFilter(v ? 'label' : 'all', v);
  };
  const labelSelect = h(
    'select',
    { id: 'label-filter', onchange },
    h('option', { value: '' }, 'any label'),
    ...first.labels.map((l) =>
      h('option', { value: l, selected: l === query.label }, `${l} (${first.counts.byLabel[l] ?? 0})`),
    ),
  );
  return h(
    'div',
    { class: 'filters', role: 'group', 'aria-label': 'Filter' },
    ...FILTERS.map(([f, text]) =>
      h(
        'button',
        {
          type: 'button',
          class: f === query.filter ? 'active' : '',
          'aria-pressed': String(f === query.filter),
          onclick: () => setFilter(f),
        },
        `${text} (${countOf(first.counts, f)})`,
      ),
    ),
    h('label', { for: 'label-filter' }, 'Label '),
    labelSelect,
  );
};

const tile = (jobId: string, labels: readonly string[], item: Item): HTMLElement =>
  h(
    'a',
    { class: 'tile', href: reviewHref(jobId, item.taskId), 'data-task-id': item.taskId },
    h(
      'figure',
      {},
      figure(
        labels,
        { url: item.imageUrl, width: item.width, height: item.height, alt: `Image #${Number(item.taskId) + 1}` },
        item.boxes,
        'thumb',
      ),
      itemCaption(item),
    ),
  );

const listIntro = (first: ReviewListResponse): HTMLElement =>
  h(
    'p',
    { class: 'muted' },
    `${first.counts.all} images · consolidated from ${first.workersPerObject} labeler${first.workersPerObject === 1 ? '' : 's'} per image · read-only`,
    first.reportUrl ? h('span', {}, ' · ', h('a', { href: first.reportUrl }, 'dataset report')) : null,
  );

const renderList = async (ctx: AppContext, jobId: string): Promise<void> => {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const query: Query = { filter: params.get('filter') ?? 'all', label: params.get('label') ?? '' };
  const ask = (cursor?: string) =>
    ctx.api.review(jobId, {
      filter: query.filter,
      ...(query.label ? { label: query.label } : {}),
      ...(cursor ? { cursor } : {}),
    });
  const grid = h('div', { class: 'grid', id: 'review-grid' });
  const more = h('button', { type: 'button', hidden: true }, 'Show more');
  const first = await ask();
  const setFilter = (f: string, l = '') => {
    location.hash = `${reviewHref(jobId)}?filter=${f}${l ? `&label=${encodeURIComponent(l)}` : ''}`;
  };
  const append = (page: ReviewListResponse) => {
    grid.append(...page.items.map((item) => tile(jobId, page.labels, item)));
    more.hidden = page.nextCursor === null;
    more.onclick = async () => {
      if (page.nextCursor) append(await ask(page.nextCursor));
    };
  };
  ctx.root.replaceChildren(
    h('h1', {}, `Review: ${first.title}`),
    listIntro(first),
    filterBar(first, query, setFilter),
    first.items.length === 0 ? h('p', { class: 'empty' }, 'No image matches this filter.') : grid,
    more,
  );
  append(first);
};

const renderItem = async (ctx: AppContext, jobId: string, taskId: string): Promise<void> => {
  const detail: ReviewItemResponse = await ctx.api.reviewItem(jobId, taskId);
  const { item, labels } = detail;
  const image = (alt: string) => ({ url: item.imageUrl, width: item.width, height: item.height, alt });
  ctx.root.replaceChildren(
    h('p', {}, h('a', { href: reviewHref(jobId) }, '← all images')),
    h('h1', {}, `Image #${Number(item.taskId) + 1}`),
    h('p', { class: 'muted' }, item.sourceRef, ' ', itemCaption(item)),
    ...item.rejections.map((r) => h('p', { class: 'notice' }, `Rejected by the conversion: ${r.code}: ${r.message}`)),
    ...(item.failureReason ? [h('p', { class: 'notice' }, item.failureReason)] : []),
    h(
      'div',
      { class: 'compare' },
      h(
        'section',
        { class: 'card consolidated', 'aria-labelledby': 'consolidated-title' },
        h('h2', { id: 'consolidated-title' }, 'Consolidated'),
        figure(labels, image('The image with the consolidated boxes'), item.boxes, 'large'),
        boxLegend(labels, item.boxes),
      ),
      ...detail.answers.map((answer, i) =>
        h(
          'section',
          { class: 'card labeler', 'aria-labelledby': `labeler-${i}` },
          h(
            'h2',
            { id: `labeler-${i}` },
            `Labeler ${i + 1}`,
            h('span', { class: 'muted' }, ` · ${answer.submittedAt.slice(0, 16).replace('T', ' ')}`),
          ),
          figure(labels, image(`The image with the boxes of labeler ${i + 1}`), answer.boxes, 'large'),
          answer.nothingToLabel ? h('p', { class: 'muted' }, 'Nothing to label.') : boxLegend(labels, answer.boxes),
        ),
      ),
    ),
  );
};

/** The review page (admins): the job's consolidated result, filtered, and one image's every answer. */
export const renderReview = async (ctx: AppContext, jobId: string, taskId?: string): Promise<void> => {
  ctx.root.classList.add('wide');
  ctx.onLeave(() => ctx.root.classList.remove('wide'));
  if (!ctx.admin) {
    ctx.root.replaceChildren(h('h1', {}, 'Review'), h('p', {}, 'Only the admin group can review a job.'));
    return;
  }
  if (taskId) await renderItem(ctx, jobId, taskId.split('?')[0] ?? taskId);
  else await renderList(ctx, jobId);
};
