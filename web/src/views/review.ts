import type { ReviewItemResponse, ReviewListResponse } from '../lib/api';
import { h } from '../lib/dom';
import { reviewHref } from '../lib/route';
import type { AppContext } from '../main';
import { colorOf } from './task';

type Item = ReviewListResponse['items'][number];
type ReviewBox = Item['boxes'][number];

const SVG = 'http://www.w3.org/2000/svg';

/** An image with its boxes drawn over it in an SVG sized to the image's own pixels. */
const figure = (
  labels: readonly string[],
  image: { url: string; width: number; height: number; alt: string },
  boxes: readonly ReviewBox[],
  cls: string,
): HTMLElement => {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${image.width} ${image.height}`);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('preserveAspectRatio', 'none');
  const stroke = Math.max(2, Math.round(Math.max(image.width, image.height) / 200));
  for (const b of boxes) {
    const rect = document.createElementNS(SVG, 'rect');
    const c = colorOf(labels, b.label);
    for (const [k, v] of Object.entries({ x: b.left, y: b.top, width: b.width, height: b.height })) {
      rect.setAttribute(k, String(v));
    }
    rect.setAttribute('fill', c);
    rect.setAttribute('fill-opacity', '0.12');
    rect.setAttribute('stroke', c);
    rect.setAttribute('stroke-width', String(stroke));
    rect.setAttribute('data-label', b.label);
    svg.append(rect);
  }
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

const renderList = async (ctx: AppContext, jobId: string): Promise<void> => {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const filter = params.get('filter') ?? 'all';
  const label = params.get('label') ?? '';
  const grid = h('div', { class: 'grid', id: 'review-grid' });
  const more = h('button', { type: 'button', hidden: true }, 'Show more');
  const first = await ctx.api.review(jobId, { filter, ...(label ? { label } : {}) });
  const setFilter = (f: string, l = '') => {
    location.hash = `${reviewHref(jobId)}?filter=${f}${l ? `&label=${encodeURIComponent(l)}` : ''}`;
  };
  const labelSelect = h(
    'select',
    {
      id: 'label-filter',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        setFilter(v ? 'label' : 'all', v);
      },
    },
    h('option', { value: '' }, 'any label'),
    ...first.labels.map((l) =>
      h('option', { value: l, selected: l === label }, `${l} (${first.counts.byLabel[l] ?? 0})`),
    ),
  );
  const count = (f: string) =>
    f === 'all'
      ? first.counts.all
      : f === 'low-agreement'
        ? first.counts.lowAgreement
        : f === 'unlabeled'
          ? first.counts.unlabeled
          : first.counts.rejected;
  const append = (page: ReviewListResponse) => {
    for (const item of page.items) {
      grid.append(
        h(
          'a',
          { class: 'tile', href: reviewHref(jobId, item.taskId), 'data-task-id': item.taskId },
          h(
            'figure',
            {},
            figure(
              page.labels,
              { url: item.imageUrl, width: item.width, height: item.height, alt: `Image #${Number(item.taskId) + 1}` },
              item.boxes,
              'thumb',
            ),
            itemCaption(item),
          ),
        ),
      );
    }
    more.hidden = page.nextCursor === null;
    more.onclick = async () => {
      if (!page.nextCursor) return;
      append(await ctx.api.review(jobId, { filter, ...(label ? { label } : {}), cursor: page.nextCursor }));
    };
  };
  ctx.root.replaceChildren(
    h('h1', {}, `Review: ${first.title}`),
    h(
      'p',
      { class: 'muted' },
      `${first.counts.all} images · consolidated from ${first.workersPerObject} labeler${first.workersPerObject === 1 ? '' : 's'} per image · read-only`,
      first.reportUrl ? h('span', {}, ' · ', h('a', { href: first.reportUrl }, 'dataset report')) : null,
    ),
    h(
      'div',
      { class: 'filters', role: 'group', 'aria-label': 'Filter' },
      ...FILTERS.map(([f, text]) =>
        h(
          'button',
          {
            type: 'button',
            class: f === filter ? 'active' : '',
            'aria-pressed': String(f === filter),
            onclick: () => setFilter(f),
          },
          `${text} (${count(f)})`,
        ),
      ),
      h('label', { for: 'label-filter' }, 'Label '),
      labelSelect,
    ),
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
