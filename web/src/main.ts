import './styles.css';
import { Api, fetchConfig, SignedOut } from './lib/api';
import type { AppContext } from './lib/app-context';
import { Auth } from './lib/auth';
import { h, toast } from './lib/dom';
import { parseRoute, type Route } from './lib/route';
import { renderJobs } from './views/jobs';
import { isOffline, renderOffline } from './views/offline';
import { renderReview } from './views/review';
import { renderSignIn } from './views/signin';
import { renderTask } from './views/task/task-view';

const root = document.getElementById('app') as HTMLElement;
let cleanups: (() => void)[] = [];

const header = (ctx: AppContext, route: Route): HTMLElement =>
  h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/jobs' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Labeling'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h('a', { href: '#/jobs', 'aria-current': route.name === 'jobs' ? 'page' : null }, 'My jobs'),
    ),
    h(
      'div',
      { class: 'user' },
      h('span', { class: 'muted' }, ctx.email, ctx.admin ? ' · admin' : ''),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: async () => {
            // The API first, while the token still counts; offline, the local session goes all the same.
            await ctx.api.signOut().catch(() => undefined);
            await ctx.auth.signOut();
            location.hash = '#/signin';
          },
        },
        'Sign out',
      ),
    ),
  );

const show = async (auth: Auth, api: Api): Promise<void> => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
  const route = parseRoute(location.hash);
  const session = await auth.current().catch(() => null);
  if (!session || route.name === 'signin') {
    document.getElementById('toasts')?.replaceChildren();
    if (session && route.name === 'signin') {
      location.hash = '#/jobs';
      return;
    }
    root.replaceChildren();
    renderSignIn(root, auth, () => {
      location.hash = route.name === 'signin' ? '#/jobs' : location.hash || '#/jobs';
      void show(auth, api);
    });
    return;
  }
  const me = await api.me();
  const main = h('main', { id: 'main' });
  const ctx: AppContext = {
    api,
    auth,
    email: me.email,
    admin: me.admin,
    root: main,
    onLeave: (cleanup) => cleanups.push(cleanup),
  };
  root.replaceChildren(header(ctx, route), main);
  if (route.name === 'task') await renderTask(ctx, route.jobId);
  else if (route.name === 'review') await renderReview(ctx, route.jobId, route.taskId);
  else await renderJobs(ctx);
};

const start = async (): Promise<void> => {
  const auth = new Auth(await fetchConfig());
  const api = new Api(auth);
  const run = (): Promise<void> =>
    show(auth, api).catch((error: unknown) => {
      if (error instanceof SignedOut) {
        location.hash = '#/signin';
        return;
      }
      if (isOffline(error)) return renderOffline(root, () => void run());
      toast(error instanceof Error ? error.message : String(error), 'error');
    });
  window.addEventListener('hashchange', run);
  await run();
};

// The shell for a reload while offline (web/public/sw.js); the page works without it.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);

const begin = (): void => {
  start().catch((error: unknown) => {
    if (isOffline(error)) {
      renderOffline(root, begin);
      return;
    }
    root.replaceChildren(
      h(
        'main',
        { class: 'center' },
        h('h1', {}, 'The labeling page cannot start'),
        h('p', {}, error instanceof Error ? error.message : String(error)),
      ),
    );
  });
};
begin();
