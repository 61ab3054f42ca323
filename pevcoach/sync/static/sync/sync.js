/* PEV Coach offline: an outbox in IndexedDB, replayed in order when the network is there.
   One sync at a time, with a visible state: idle, syncing, failed, needs login. Triggers: the
   app opens, the network comes back, every few minutes, and the "Synchroniser" button. */
(function () {
  "use strict";
  var DB_NAME = "pevcoach", BATCH = 25, INTERVAL = 3 * 60 * 1000;
  var state = "idle", running = null, dbPromise = null;
  var body = document.body;
  var userId = body.getAttribute("data-user");

  function t(key) {
    var texts = JSON.parse(document.getElementById("sync-texts").textContent);
    return texts[key] || key;
  }

  // --- IndexedDB, in a few promises -----------------------------------------------------
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = function () {
          var d = open.result;
          d.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          d.createObjectStore("rejected", { keyPath: "op" });
          d.createObjectStore("records", { keyPath: "key" });
          d.createObjectStore("meta");
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }
  function tx(store, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var transaction = d.transaction(store, mode), result;
        var req = work(transaction.objectStore(store));
        if (req) req.onsuccess = function () { result = req.result; };
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }
  var getAll = function (store) { return tx(store, "readonly", function (s) { return s.getAll(); }); };
  var getMeta = function (key) { return tx("meta", "readonly", function (s) { return s.get(key); }); };
  var setMeta = function (key, value) { return tx("meta", "readwrite", function (s) { return s.put(value, key); }); };

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* Put changes in the outbox, in order, in one transaction: a session and its actions
     arrive together or not at all. Each change: {kind, model, id, data, base}. */
  function enqueue(changes) {
    return tx("outbox", "readwrite", function (store) {
      changes.forEach(function (c) {
        store.add({ op: uuid(), kind: c.kind, model: c.model, id: c.id, data: c.data, base: c.base || null,
                    user: userId, created: new Date().toISOString() });
      });
    }).then(refresh);
  }

  // --- Talking to the server ------------------------------------------------------------
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function api(method, path, payload) {
    return fetch("/api/v1" + path, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: payload === undefined ? undefined : JSON.stringify(payload)
    });
  }

  /* 401/403: sign in again (the outbox waits), unless the server says the account is disabled. */
  async function refused(response) {
    var answer = await response.json().catch(function () { return {}; });
    return new Error(answer && answer.code === "account_disabled" ? "disabled" : "login");
  }

  function mine(items) { return items.filter(function (i) { return !i.user || i.user === userId; }); }

  /* Send the outbox in batches, halving a batch the server finds too large (413). The last batch
     also asks for what changed since the cursor; the answer comes back with its results. */
  async function pushAll() {
    var size = BATCH, pulled = null;
    for (;;) {
      var waiting = mine(await getAll("outbox"));
      if (!waiting.length) return pulled;
      var batch = waiting.slice(0, size);
      var payload = { changes: batch.map(function (c) {
        return { op: c.op, kind: c.kind, model: c.model, id: c.id, data: c.data, base: c.base };
      }) };
      if (batch.length === waiting.length) payload.since = (await getMeta("cursor")) || null;
      var response = await api("POST", "/sync/push", payload);
      if (response.status === 413) {
        if (size > 1) { size = Math.max(1, Math.floor(size / 2)); continue; }
        await settle(batch[0], { status: "rejected", error: t("too_large") });
        continue;
      }
      if (response.status === 401 || response.status === 403) throw await refused(response);
      if (!response.ok) throw new Error("server " + response.status);
      var answer = await response.json();
      for (var i = 0; i < answer.results.length; i++) await settle(batch[i], answer.results[i]);
      if (answer.pull) pulled = answer.pull;
      size = BATCH;
    }
  }

  /* A change leaves the outbox only once the server answered for it. Refused ones are kept,
     with the reason, for the person to see and redo: nothing is lost. */
  function settle(change, result) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var transaction = d.transaction(["outbox", "rejected", "records"], "readwrite");
        transaction.objectStore("outbox").delete(change.seq);
        if (result.version) {
          transaction.objectStore("records").put({ key: change.model + ":" + result.id, model: change.model,
                                                   version: result.version, row: null });
        }
        if (result.status === "rejected") {
          transaction.objectStore("rejected").put(Object.assign({}, change, { error: result.error }));
        }
        transaction.oncomplete = function () { resolve(); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  /* Keep the rows of the user's scope; a row is news only when its version is newer than ours
     (our own pushed changes come back in the pull and should not refresh every page). */
  async function store(data) {
    var changed = false;
    var known = {};
    (await getAll("records")).forEach(function (r) { known[r.key] = r.version || (r.row && r.row.version) || 0; });
    await tx("records", "readwrite", function (records) {
      Object.keys(data.records).forEach(function (model) {
        data.records[model].forEach(function (row) {
          var key = model + ":" + row.id;
          if ((known[key] || 0) < row.version) changed = true;
          records.put({ key: key, model: model, version: row.version, row: row });
        });
      });
      data.tombstones.forEach(function (tomb) { changed = true; records.delete(tomb.model + ":" + tomb.id); });
    });
    await setMeta("cursor", data.cursor);
    await setMeta("conflicts", data.conflicts || 0);
    return changed;
  }

  async function pullAll(first) {
    var changed = false, data = first;
    for (var round = 0; round < 20; round++) {
      if (!data) {
        var since = await getMeta("cursor");
        var response = await api("GET", "/sync/pull" + (since ? "?since=" + encodeURIComponent(since) : ""));
        if (response.status === 401 || response.status === 403) throw await refused(response);
        if (!response.ok) throw new Error("server " + response.status);
        data = await response.json();
      }
      changed = (await store(data)) || changed;
      if (!data.more) break;
      data = null;
    }
    return changed;
  }

  /* Ask the service worker to fetch the user's offline pages again, only when something changed:
     every page fetched costs mobile data. */
  async function keepPages() {
    if (!("serviceWorker" in navigator) || !(await getMeta("pagesStale"))) return;
    var worker = (await navigator.serviceWorker.ready).active;
    var response = await api("GET", "/sync/pages");
    if (!worker || !response.ok) return;
    worker.postMessage({ type: "keep-pages", pages: await response.json() });
    await setMeta("pagesStale", false);
  }

  function sync(reason) {
    if (running) return running;  // never twice at once
    if (!userId) return Promise.resolve();
    setState("syncing");
    running = (async function () {
      try {
        var changed = await pullAll(await pushAll());
        if (changed || !(await getMeta("pagesKept"))) await setMeta("pagesStale", true);
        await keepPages();
        await setMeta("pagesKept", true);
        await setMeta("lastSync", new Date().toISOString());
        setState("idle");
      } catch (error) {
        if (error.message === "disabled") {  // a disabled account: nothing of it stays on the phone
          await forget();
          window.location.href = "/login/";
          return;
        }
        setState(error.message === "login" ? "login" : "failed");
      } finally {
        running = null;
        refresh();
      }
    })();
    return running;
  }

  // --- What the person sees -------------------------------------------------------------
  function setState(next) {
    state = next;
    document.querySelectorAll("[data-sync-state]").forEach(function (el) { el.textContent = t("state_" + next); });
    body.classList.toggle("is-syncing", next === "syncing");
  }

  async function refresh() {
    var waiting = mine(await getAll("outbox")), rejected = mine(await getAll("rejected"));
    var last = await getMeta("lastSync");
    document.querySelectorAll("[data-sync-count]").forEach(function (el) { el.textContent = waiting.length; });
    document.querySelectorAll("[data-sync-last]").forEach(function (el) {
      el.textContent = last ? new Date(last).toLocaleString(document.documentElement.lang) : t("never");
    });
    var bar = document.getElementById("syncbar");
    if (bar) bar.hidden = false;
    var conflicts = (await getMeta("conflicts")) || 0;
    document.querySelectorAll("[data-sync-conflicts]").forEach(function (el) {
      el.hidden = !conflicts;
      el.querySelector("strong").textContent = conflicts;
    });
    var list = document.getElementById("sync-rejected");
    if (list) {
      list.hidden = !rejected.length;
      list.querySelector("ul").innerHTML = "";
      rejected.forEach(function (r) {
        var li = document.createElement("li");
        li.textContent = r.model + " · " + r.error;
        list.querySelector("ul").appendChild(li);
      });
    }
    document.querySelectorAll("[data-pending-for]").forEach(function (el) {
      var id = el.getAttribute("data-pending-for");
      var mineHere = waiting.filter(function (c) { return c.data && (c.data.relationship === id || c.id === id); });
      el.hidden = !mineHere.length;
      el.querySelector("[data-pending-n]").textContent = mineHere.length;
    });
  }

  function showNetwork() {
    body.classList.toggle("offline", !navigator.onLine);
    var banner = document.getElementById("offline-banner");
    if (banner) banner.hidden = navigator.onLine;
  }

  // --- Forms that also work offline -----------------------------------------------------
  function fileAsBase64(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(",")[1]); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  /* Turn a form marked data-offline-model into the change the API expects. */
  async function changeFromForm(form) {
    var data = JSON.parse(form.getAttribute("data-offline-fixed") || "{}");
    var ints = (form.getAttribute("data-offline-int") || "").split(" ");
    var lists = (form.getAttribute("data-offline-list") || "").split(" ");
    var fields = new FormData(form);
    for (var pair of fields.entries()) {
      var name = pair[0], value = pair[1];
      if (name === "csrfmiddlewaretoken" || name.charAt(0) === "_") continue;
      if (value instanceof File) {
        if (value.size) data[name + "_base64"] = await fileAsBase64(window.pevShrinkPhoto ? await window.pevShrinkPhoto(value) : value);
        continue;
      }
      if (value === "") continue;
      if (ints.indexOf(name) >= 0) value = parseInt(value, 10);
      else if (lists.indexOf(name) >= 0) value = value.split(",").map(function (v) { return v.trim(); }).filter(Boolean);
      data[name] = value;
    }
    var kind = form.getAttribute("data-offline-kind") || "create";
    return { kind: kind, model: form.getAttribute("data-offline-model"),
             id: kind === "create" ? uuid() : form.getAttribute("data-offline-id"),
             data: data, base: JSON.parse(form.getAttribute("data-offline-base") || "null") };
  }

  function reachable() {
    if (!navigator.onLine) return Promise.resolve(false);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 4000);
    return fetch("/healthz", { cache: "no-store", signal: controller.signal })
      .then(function (r) { return r.ok; }, function () { return false; })
      .finally(function () { clearTimeout(timer); });
  }

  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (form.matches("form[data-logout]")) {
      event.preventDefault();  // before any await: the browser would not wait for us
      var waiting = mine(await getAll("outbox")).length;
      if (waiting && !window.confirm(t("logout_pending").replace("%n", waiting))) return;
      await forget();
      form.submit();
      return;
    }
    if (!form.matches("form[data-offline-model]") || form.dataset.online) return;
    event.preventDefault();
    if (await reachable()) {  // with network, the page does its usual round trip
      form.dataset.online = "1";
      form.submit();
      return;
    }
    await enqueue([await changeFromForm(form)]);
    window.location.href = form.getAttribute("data-offline-next") || window.location.pathname;
  }, true);

  /* Logging out wipes what the phone holds of this user: outbox (after the warning), copies, pages. */
  async function forget() {
    await Promise.all(["outbox", "rejected", "records", "meta"].map(function (store) {
      return tx(store, "readwrite", function (s) { return s.clear(); });
    }));
    // The service worker stops keeping this person's pages (see sw.js) before the cache goes.
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "forget" });
    if (window.caches) await caches.delete("pages");
  }

  // --- Start ------------------------------------------------------------------------------
  window.pevSync = { enqueue: enqueue, sync: sync, uuid: uuid, state: function () { return state; },
                     pending: function () { return getAll("outbox").then(mine); }, forget: forget };
  // Register after the page has loaded, so the first visit is not slowed by the install.
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js", { scope: "/" }); });
  }
  window.addEventListener("online", function () { showNetwork(); sync("online"); });
  window.addEventListener("offline", showNetwork);
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sync-now]")) sync("button");
  });
  showNetwork();
  // The server saw this browser's session belong to an account disabled since: wipe at once.
  if (body.hasAttribute("data-account-disabled")) forget();
  if (userId) {
    getMeta("user").then(async function (previous) {
      if (previous && previous !== userId) {
        // Another person used this phone before: drop their copies (their unsent changes stay theirs).
        await Promise.all(["records", "meta"].map(function (store) {
          return tx(store, "readwrite", function (s) { return s.clear(); });
        }));
      }
      await setMeta("user", userId);
      refresh();
      if (navigator.onLine) sync("open");
    });
    setInterval(function () { if (navigator.onLine) sync("interval"); }, INTERVAL);
  }
  // Signed out pages keep the outbox: a session that expired during weeks offline loses nothing.
})();
