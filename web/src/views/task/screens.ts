import { h } from '../../lib/dom';
import type { DoneReason, Pause } from '../../lib/task-flow';

const backToJobs = () => h('a', { class: 'button', href: '#/jobs' }, 'Back to my jobs');

/** No image left for this labeler, or the last ones are leased by others. */
export const doneCard = (reason: DoneReason, retry: () => void): HTMLElement[] => [
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
    backToJobs(),
    reason === 'ALL_LEASED' ? h('button', { type: 'button', onclick: retry }, 'Try again') : null,
  ),
];

const waitingLine = (waiting: number): string =>
  waiting === 0
    ? 'No answer of yours is waiting.'
    : `${waiting} answer${waiting > 1 ? 's' : ''} of yours ${waiting > 1 ? 'wait' : 'waits'} in this browser and ${waiting > 1 ? 'are' : 'is'} sent then.`;

/** The API cannot be reached: what happened to the image on screen, and what happens next. */
export const pausedCard = (pause: Pause, retry: () => void): (HTMLElement | null)[] => [
  h('h1', {}, pause.expiredImage === undefined ? 'You are offline' : 'Offline, and the time ran out'),
  pause.expiredImage === undefined
    ? null
    : h(
        'p',
        { id: 'paused-lease' },
        `The lease on image ${pause.expiredImage} ran out while you were offline: it went back to the pool, and the boxes you drew on it do not count.`,
      ),
  h('p', {}, 'The labeling API cannot be reached. When the connection is back, this page carries on by itself.'),
  h('p', { id: 'paused-waiting' }, waitingLine(pause.waiting)),
  h('div', { class: 'actions' }, h('button', { type: 'button', onclick: retry }, 'Try now'), backToJobs()),
];
