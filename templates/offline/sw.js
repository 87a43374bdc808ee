/* Outreach's service worker (issue 14), built on workbox from npm (outreach/static/vendor/workbox).
   Rendered by outreach/offline/views.py so every URL below is the one the templates emit.
   - the form (/activities/new) and the staff home: network first, the last copy when offline;
   - static files (the app shell): served from the cache, refreshed in the background;
   - the reference lists the form asks for (places, regions): network first, the last answer offline.
   The outbox itself lives in IndexedDB (outreach/static/js/outbox.js); this worker only keeps pages. */
const MODULES = {{ modules|tojson }};
let started = false;
try {
  // workbox-sw, then every module in order (core first), now: a service worker may only import scripts while
  // it first runs. Imported directly rather than through workbox.loadModule, which logs an error of its own.
  importScripts({{ workbox_sw|tojson }}, ...Object.values(MODULES));
  started = true;
} catch (error) {
  // The scripts are gone under this worker: logout's Clear-Site-Data deleted its registration while it ran.
  // It is going away; it serves nothing (the browser goes to the network) and keeps nothing.
}

const PAGES = "outreach-pages";
const STATIC = "outreach-static";
const DATA = "outreach-data";
const OFFLINE_PAGES = {{ pages|tojson }};
const STATIC_PREFIXES = {{ static_prefixes|tojson }};
const DATA_PREFIXES = {{ data_prefixes|tojson }};

function start() {
  self.skipWaiting();
  workbox.core.clientsClaim();

  // Never keep a page the server answered with a redirect (an expired session lands on /login) or an error;
  // keep it whole (see whole()), so a network lost mid-page leaves the previous copy.
  const onlyTheRealPage = {
    cacheWillUpdate: async ({ response }) => (isTheRealPage(response) ? whole(response) : null),
  };

  workbox.routing.registerRoute(
    ({ request, url }) => request.mode === "navigate" && OFFLINE_PAGES.includes(url.pathname),
    new workbox.strategies.NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 10, plugins: [onlyTheRealPage] }),
  );
  workbox.routing.registerRoute(
    ({ url }) => url.origin === self.location.origin && STATIC_PREFIXES.some((p) => url.pathname.startsWith(p)),
    new workbox.strategies.StaleWhileRevalidate({
      cacheName: STATIC,
      plugins: [
        new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
        new workbox.expiration.ExpirationPlugin({ maxEntries: 120 }),
      ],
    }),
  );
  workbox.routing.registerRoute(
    ({ url }) => url.origin === self.location.origin && DATA_PREFIXES.some((p) => url.pathname.startsWith(p)),
    new workbox.strategies.NetworkFirst({
      cacheName: DATA,
      networkTimeoutSeconds: 6,
      plugins: [onlyTheRealPage, new workbox.expiration.ExpirationPlugin({ maxEntries: 200 })],
    }),
  );
}
if (started) start();

function isTheRealPage(response) {
  return Boolean(response) && response.status === 200 && !response.redirected;
}

// The answer with its whole body read. cache.put of a still-streaming answer that the network cuts mid-body
// (an officer losing signal) stalled Chromium's later cache reads behind the half-written entry: the next
// offline page failed (ERR_FAILED) instead of getting the previous copy. Read first, a cut rejects here and
// the previous copy stays as it was.
async function whole(response) {
  const body = await response.blob();
  const { status, statusText, headers } = response;
  return new Response(body, { status, statusText, headers });
}

/** Fetch url and write it to cacheName; true once written. A redirect or an error is not kept (false). */
async function keep(cacheName, url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!isTheRealPage(response)) return false;
  const copy = await whole(response);
  const cache = await caches.open(cacheName);
  await cache.put(url, copy);
  return true;
}

// The page tells the worker what it references (scripts, styles, icons) and which pages to keep: the app
// shell is whatever the templates emit, fetched now, refreshed on each online visit. The answer says whether
// every copy was written (ok), so the page records the shell as kept only then and otherwise asks again on
// its next visit.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && started) {
    const asked = [
      ...(data.assets || []).map((url) => [STATIC, url]),
      ...(data.pages || []).map((url) => [PAGES, url]),
    ];
    const work = asked.map(([cacheName, url]) => keep(cacheName, url).catch(() => false));
    event.waitUntil(
      Promise.all(work).then((written) => {
        const failed = asked.filter((_, i) => !written[i]).map(([, url]) => url);
        if (event.source) event.source.postMessage({ type: "kept", ok: failed.length === 0, failed });
      }),
    );
  } else if (data.type === "purge") {
    event.waitUntil(caches.keys().then((names) => Promise.all(names.map((name) => caches.delete(name)))));
  }
});
