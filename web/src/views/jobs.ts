import type { Job } from '../lib/api';
import type { AppContext } from '../lib/app-context';
import { h, toast } from '../lib/dom';
import { renderMarkdown } from '../lib/markdown';
import { reviewHref, taskHref } from '../lib/route';

const percent = (done: number, total: number) => (total === 0 ? 0 : Math.round((100 * done) / total));

/**
 * Admins: close an open job from the page (an image everyone skipped would otherwise keep it
 * open until it expires). Asks once more before calling the API; then the list is shown again.
 */
const closeControl = (ctx: AppContext, job: Job): HTMLElement => {
  const confirmRow = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-label': 'Close the job' });
  const close = async () => {
    try {
      await ctx.api.closeJob(job.jobId);
      toast(`"${job.title}" is closed: its answers so far are being finalized.`, 'info');
      await renderJobs(ctx);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
  };
  confirmRow.append(
    h('p', {}, `Close "${job.title}" now? Nobody can label it any more; images without enough answers are left out.`),
    h('button', { type: 'button', class: 'danger', onclick: () => void close() }, 'Close the job now'),
    h('button', { type: 'button', onclick: () => (confirmRow.hidden = true) }, 'Cancel'),
  );
  const ask = h(
    'button',
    { type: 'button', class: 'close-job', onclick: () => (confirmRow.hidden = false) },
    'Close job…',
  );
  return h('div', { class: 'admin-close' }, ask, confirmRow);
};

const jobCard = (ctx: AppContext, job: Job): HTMLElement => {
  const instructions = h('div', { class: 'markdown' });
  instructions.innerHTML = renderMarkdown(job.instructions || '_No instructions for this job._');
  const pct = percent(job.answersReceived, job.answersNeeded);
  return h(
    'article',
    { class: 'card job', 'data-job-id': job.jobId, 'aria-labelledby': `job-${job.jobId}` },
    h(
      'div',
      { class: 'job-head' },
      h('h2', { id: `job-${job.jobId}` }, job.title),
      h('span', { class: `status status-${job.status}` }, job.status),
    ),
    h(
      'ul',
      { class: 'chips', 'aria-label': 'Labels' },
      ...job.labels.map((l, i) => h('li', { class: `chip c${i % 9}` }, l)),
    ),
    h(
      'div',
      { class: 'progress-line' },
      h('progress', { max: job.answersNeeded || 1, value: job.answersReceived, 'aria-label': 'Answers received' }),
      h(
        'span',
        { class: 'muted' },
        `${job.answersReceived} / ${job.answersNeeded} answers (${pct}%) · ${job.imagesComplete} / ${job.imageCount} images done · ${job.myAnswers} by you`,
      ),
    ),
    h('details', {}, h('summary', {}, 'Instructions'), instructions),
    h(
      'div',
      { class: 'actions' },
      job.status === 'open' ? h('a', { class: 'button primary', href: taskHref(job.jobId) }, 'Start labeling') : null,
      ctx.admin ? h('a', { class: 'button', href: reviewHref(job.jobId) }, 'Review') : null,
    ),
    ctx.admin && job.status === 'open' ? closeControl(ctx, job) : null,
  );
};

export const renderJobs = async (ctx: AppContext): Promise<void> => {
  const { jobs } = await ctx.api.jobs(ctx.admin);
  const open = jobs.filter((j) => j.status === 'open');
  const ended = jobs.filter((j) => j.status !== 'open');
  ctx.root.replaceChildren(
    h('h1', {}, 'My jobs'),
    open.length === 0
      ? h(
          'p',
          { class: 'empty' },
          'No open labeling job for you right now. When a batch is uploaded, its job appears here.',
        )
      : h('div', { class: 'jobs' }, ...open.map((j) => jobCard(ctx, j))),
    ...(ended.length > 0
      ? [h('h2', {}, 'Ended jobs'), h('div', { class: 'jobs' }, ...ended.map((j) => jobCard(ctx, j)))]
      : []),
  );
};
