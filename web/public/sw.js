/**
 * The page shell for a reload while offline: the page, its hashed assets and /api/config,
 * network first (a rebuilt page is picked up at once), the cached copy only when the network
 * fails. Nothing else of the API is cached: answers wait in localStorage (the resend queue).
 */
const CACHE = 'labeling-shell-v1';
const SHELL = ['/', '/api/config'];

/** The shell and the assets index.html names (they were loaded before this worker controlled the page). */
const cacheShell = async () => {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL);
  const html = await (await cache.match('/')).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  await cache.addAll(assets);
};

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

const cacheable = (url) =>
  url.origin === self.location.origin && (!url.pathname.startsWith('/api/') || url.pathname === '/api/config');

const networkFirst = async (request) => {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request.mode === 'navigate' ? '/' : request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request.mode === 'navigate' ? '/' : request);
    if (cached) return cached;
    throw error;
  }
};

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !cacheable(new URL(request.url))) return;
  event.respondWith(networkFirst(request));
});
