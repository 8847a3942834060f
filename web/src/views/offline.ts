import { h } from '../lib/dom';
import { ResendQueue, retryDelayMs } from '../lib/resend-queue';

/** fetch() rejects with a TypeError when the network is down: any other error is the API's or the page's. */
export const isOffline = (error: unknown): boolean => error instanceof TypeError || !navigator.onLine;

/**
 * The page reloaded (or opened) while offline: what waits in this browser, and that the page
 * carries on by itself when the connection is back (`retry` runs on the browser's online event).
 */
let pending: (() => void) | null = null;
let attempts = 0;

export const renderOffline = (root: HTMLElement, retry: () => void): void => {
  if (pending) window.removeEventListener('online', pending);
  // The online event, else a timer (the event fires before requests succeed, or not at all).
  attempts += 1;
  const timer = setTimeout(() => once(), retryDelayMs(attempts));
  const once = () => {
    clearTimeout(timer);
    window.removeEventListener('online', once);
    if (pending === once) pending = null;
    retry();
  };
  pending = once;
  const waiting = new ResendQueue(localStorage).list().length;
  root.replaceChildren(
    h(
      'main',
      { class: 'center', id: 'main' },
      h(
        'section',
        { class: 'card done paused', id: 'offline' },
        h('h1', {}, 'You are offline'),
        h('p', {}, 'The labeling API cannot be reached. This page carries on by itself when the connection is back.'),
        h(
          'p',
          { id: 'offline-waiting' },
          waiting === 0
            ? 'No answer of yours is waiting.'
            : `${waiting} answer${waiting > 1 ? 's' : ''} of yours ${waiting > 1 ? 'wait' : 'waits'} safely in this browser, to be sent then.`,
        ),
        h('button', { type: 'button', onclick: once }, 'Try now'),
      ),
    ),
  );
  window.addEventListener('online', once);
};
