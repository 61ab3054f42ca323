/* PEV Coach service worker (version {{ version }}).
   Static files: cache first (their names carry a hash). Pages: network first, the kept copy
   when there is no network. The API is never cached here: the outbox and sync handle it. */
"use strict";
const VERSION = "{{ version }}";
const SHELL = "shell-" + VERSION;
const PAGES = "pages";
const ASSETS = {{ assets }};
const OFFLINE = "/offline/";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(ASSETS.concat([OFFLINE])))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key.startsWith("shell-") && key !== SHELL).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

async function pageFromNetwork(request) {
  try {
    const response = await fetch(request);
    // Only pages the server marks as a signed-in user's own are kept (never the sign-in page).
    if (response.ok && !response.redirected && response.headers.get("X-Offline") === "keep") {
      const cache = await caches.open(PAGES);
      await cache.put(request.url.split("#")[0], response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request.url.split("#")[0], { ignoreSearch: false });
    return kept || caches.match(OFFLINE);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      const copy = response.clone();
      caches.open(SHELL).then((cache) => cache.put(request, copy));
      return response;
    })));
    return;
  }
  if (request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html")) {
    if (url.pathname.startsWith("/admin/") || url.pathname.startsWith("/api/")) return;
    event.respondWith(pageFromNetwork(request));
  }
});

// Each sign-out starts a new generation: the pages still being kept for the person who left stop at once.
// Left running, they would be fetched with the next person's cookies, and an answer that left the server
// before that sign-in would set the old CSRF cookie again over the new one (the next form then refused).
let generation = 0;

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "forget") {
    generation += 1;
    event.waitUntil(caches.delete(PAGES));
  }
  if (data.type === "keep-pages") {
    // Refresh the user's offline pages, one at a time so a 2G line is not flooded.
    const mine = generation;
    event.waitUntil((async () => {
      const cache = await caches.open(PAGES);
      for (const path of data.pages) {
        if (generation !== mine) return;
        try {
          const response = await fetch(path, { credentials: "same-origin" });
          if (response.redirected || generation !== mine) return;  // signed out meanwhile
          if (response.ok && response.headers.get("X-Offline") === "keep") {
            await cache.put(new URL(path, self.location.origin).href, response);
          }
        } catch (error) { return; }
      }
    })());
  }
});
