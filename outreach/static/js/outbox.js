/* Offline-first capture (issue 14): the service worker, and the outbox of activities recorded on this phone.

   - Registers the service worker (/sw.js) and tells it which files this page references and which pages to
     keep, so /activities/new opens offline after one online visit. Asks for persistent storage.
   - The activity form, sent while the browser is offline, is kept in IndexedDB (idb, from npm) with its
     photos as Blobs, under the logged-in user's id; the page shows each record's state ("menunggu dikirim",
     "terkirim", "gagal — alasan").
   - A record is sent on page load, when the browser comes back online, every minute and from the
     "Kirim sekarang" button: the same form, with a fresh CSRF token and the header X-Outreach-Outbox, which
     answers JSON. Its client_id makes a resend after a lost answer return the activity stored the first time.
   - Only the logged-in user's records are shown or sent; logging out clears the outbox and the caches.
   Strings come from the page (data-text-* attributes rendered with gettext). */
(function () {
  "use strict";
  var config = document.getElementById("offline-config");
  if (!config || !window.idb) { return; }

  var DB_NAME = "outreach-offline";
  var STORE = "outbox";
  var RETRY_MS = 60 * 1000;
  var KEEP_EVERY_MS = 10 * 60 * 1000;
  var userId = config.getAttribute("data-user-id") || "";
  var sessionUrl = config.getAttribute("data-session-url");
  var pages = JSON.parse(config.getAttribute("data-pages") || "[]");

  function text(name, reason) {
    var value = config.getAttribute("data-text-" + name) || name;
    return reason === undefined ? value : value.replace("{reason}", reason);
  }

  var dbPromise = null;
  function database() {
    if (!dbPromise) {
      dbPromise = idb.openDB(DB_NAME, 1, {
        upgrade: function (db) {
          var store = db.createObjectStore(STORE, { keyPath: "client_id" });
          store.createIndex("user", "user_id");
        },
        blocking: function () { // a logout (here or in another tab) deletes the database: let it
          dbPromise.then(function (db) { db.close(); });
          dbPromise = null;
        },
        terminated: function () { dbPromise = null; },
      });
    }
    return dbPromise;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ------------------------------------------------------------------------------------------ logout: purge

  function purge() {
    var work = [];
    if (dbPromise) { work.push(dbPromise.then(function (db) { db.close(); })); dbPromise = null; }
    work.push(idb.deleteDB(DB_NAME));
    if (window.caches) {
      work.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }));
    }
    try { localStorage.removeItem("outreach-kept-at"); } catch (e) { /* private mode */ }
    return Promise.allSettled(work).then(function () { config.setAttribute("data-purged", "1"); });
  }

  if (config.hasAttribute("data-purge")) {
    purge();
    return; // logged out: nothing else to do on this page
  }
  if (!userId) { return; }

  // ------------------------------------------------------------------------------------------ service worker

  function referencedFiles() {
    var urls = [];
    document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel~=icon][href], link[rel=apple-touch-icon][href]")
      .forEach(function (el) { urls.push(el.src || el.href); });
    return urls.filter(function (url) { return url.indexOf(location.origin + "/") === 0; });
  }

  // data-shell-kept: "1" once the worker's copies of the shell are written (now or within KEEP_EVERY_MS),
  // "0" when the worker answered that a copy failed.
  function keepShell(registration) {
    var last = 0;
    try { last = Number(localStorage.getItem("outreach-kept-at") || 0); } catch (e) { /* private mode */ }
    var worker = registration.active;
    if (!worker) { return; }
    if (Date.now() - last < KEEP_EVERY_MS) { config.setAttribute("data-shell-kept", "1"); return; }
    worker.postMessage({ type: "keep", assets: referencedFiles(), pages: pages });
  }

  // The time is recorded only when the worker answers that every copy is written: a copy still in flight
  // when the officer moves on, cut by a lost network or refused by the server is asked for again next page.
  function shellKept(answer) {
    if (answer.ok === true) {
      try { localStorage.setItem("outreach-kept-at", String(Date.now())); } catch (e) { /* private mode */ }
    }
    config.setAttribute("data-shell-kept", answer.ok === true ? "1" : "0");
  }

  if ("serviceWorker" in navigator && config.getAttribute("data-sw-url")) {
    navigator.serviceWorker.register(config.getAttribute("data-sw-url"), { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        navigator.serviceWorker.addEventListener("message", function (event) {
          if (event.data && event.data.type === "kept") { shellKept(event.data); }
        });
        keepShell(registration);
      })
      .catch(function () { /* no worker (e.g. a private window): the outbox still works while the page is open */ });
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then(function (yes) { return yes || navigator.storage.persist(); })
      .catch(function () { /* not granted: the browser may evict the outbox under storage pressure */ });
  }

  // ------------------------------------------------------------------------------------------ the outbox

  function mine() {
    return database().then(function (db) { return db.getAllFromIndex(STORE, "user", userId); })
      .then(function (records) { return records.sort(function (a, b) { return b.created_at - a.created_at; }); });
  }

  function put(record) {
    return database().then(function (db) { return db.put(STORE, record); });
  }

  /** Keep the form's fields (photos read into Blobs now: the file input is cleared next) as a record. */
  function saveForm(form, submitter) {
    var data;
    try { data = submitter ? new FormData(form, submitter) : new FormData(form); } catch (e) { data = new FormData(form); }
    var clientInput = form.querySelector("input[name=client_id]");
    var clientId = (clientInput && clientInput.value) || newId();
    var entries = [];
    data.forEach(function (value, name) { entries.push([name, value]); });
    return Promise.all(entries.map(function (entry) {
      var value = entry[1];
      if (typeof value === "string") { return { name: entry[0], value: value }; }
      if (!value.name && !value.size) { return null; } // an empty file input
      return value.arrayBuffer().then(function (bytes) {
        return { name: entry[0], blob: new Blob([bytes], { type: value.type }), filename: value.name };
      });
    })).then(function (fields) {
      fields = fields.filter(Boolean);
      var titleField = form.querySelector("[name=title]");
      var kindField = form.querySelector("[name=kind]");
      var record = {
        client_id: clientId,
        user_id: userId,
        url: form.getAttribute("action") || location.pathname,
        created_at: Date.now(),
        state: "waiting",
        reason: "",
        title: (titleField && titleField.value) ||
          (kindField && kindField.selectedOptions && kindField.selectedOptions[0] ? kindField.selectedOptions[0].text : ""),
        date: data.get("occurred_on") || "",
        photos: fields.filter(function (f) { return f.blob; }).length,
        fields: fields.map(function (f) { return f.name === "client_id" ? { name: f.name, value: clientId } : f; }),
      };
      if (!record.fields.some(function (f) { return f.name === "client_id"; })) {
        record.fields.push({ name: "client_id", value: clientId });
      }
      return put(record).then(function () { return record; });
    });
  }

  var sending = false;

  function sendAll() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return mine().then(function (records) {
      var due = records.filter(function (r) { return r.state === "waiting"; });
      if (!due.length) { return null; }
      return fetch(sessionUrl, { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.type === "opaqueredirect" || response.status !== 200) {
            return Promise.all(due.map(function (r) { r.reason = text("login"); return put(r); }));
          }
          return response.json().then(function (session) {
            if (String(session.user_id) !== userId) { return null; } // someone else is logged in: never send
            return due.reduce(function (chain, record) {
              return chain.then(function () { return sendOne(record, session.csrf_token); });
            }, Promise.resolve());
          });
        });
    }).catch(function () { /* no network: the records wait for the next try */ })
      .then(function () { sending = false; return render(); });
  }

  function sendOne(record, token) {
    var body = new FormData();
    record.fields.forEach(function (f) {
      if (f.blob) { body.append(f.name, f.blob, f.filename); return; }
      var value = f.value;
      if (f.name === "csrf_token") { value = token; }
      if (f.name === "nonce") { value = record.client_id; } // one cached form page serves many records
      body.append(f.name, value);
    });
    showState(record.client_id, "sending");
    return fetch(record.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Outreach-Outbox": "1", Accept: "application/json" },
    }).then(function (response) {
      if (response.type === "opaqueredirect") { record.reason = text("login"); return put(record); }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.status === 200 || response.status === 201) {
          record.state = "sent";
          record.reason = "";
          record.activity_id = answer.id;
          record.activity_url = answer.url;
          record.sent_at = Date.now();
          record.fields = []; // the server has the photos now: free the phone's storage
        } else if (response.status >= 500 || response.status === 429 || response.status === 400) {
          record.reason = answer.message || response.status + " " + response.statusText; // tried again later
        } else {
          record.state = "failed";
          record.reason = answer.message || response.status + " " + response.statusText;
        }
        return put(record);
      });
    }).catch(function (error) {
      record.reason = text("unreachable"); // the answer never came: resent later, the client_id finds it
      return put(record).then(function () { throw error; });
    });
  }

  // ------------------------------------------------------------------------------------------ the panel

  var panel = document.querySelector("[data-outbox-panel]");
  var list = panel && panel.querySelector("[data-outbox-list]");

  function showState(clientId, state) {
    if (!list) { return; }
    var item = list.querySelector("[data-client-id='" + clientId + "']");
    if (item) {
      item.setAttribute("data-state", state);
      item.querySelector("[data-outbox-state]").textContent = text(state);
    }
  }

  function render() {
    if (!panel) { return Promise.resolve(); }
    return mine().then(function (records) {
      list.textContent = "";
      records.forEach(function (record) {
        var item = document.createElement("li");
        item.className = "outbox-record border-bottom py-2";
        item.setAttribute("data-testid", "outbox-record");
        item.setAttribute("data-client-id", record.client_id);
        item.setAttribute("data-state", record.state);
        var title = document.createElement("div");
        title.className = "fw-semibold";
        title.textContent = [record.title || text("untitled"), record.date].filter(Boolean).join(" · ");
        var state = document.createElement("div");
        state.setAttribute("data-outbox-state", "");
        state.className = "small " + (record.state === "sent" ? "text-success" : record.state === "failed" ? "text-danger" : "text-body-secondary");
        state.textContent = record.state === "failed" ? text("failed", record.reason)
          : record.state === "waiting" && record.reason ? text("waiting") + " (" + record.reason + ")"
          : text(record.state);
        item.appendChild(title);
        item.appendChild(state);
        if (record.activity_url) {
          var link = document.createElement("a");
          link.href = record.activity_url;
          link.className = "small me-3";
          link.textContent = text("open");
          item.appendChild(link);
        }
        if (record.state === "failed") { // e.g. the month was reopened: send the same record again
          var retry = document.createElement("button");
          retry.type = "button";
          retry.className = "btn btn-link btn-sm p-0 me-3";
          retry.setAttribute("data-testid", "outbox-retry");
          retry.textContent = text("retry");
          retry.addEventListener("click", function () {
            record.state = "waiting";
            record.reason = "";
            put(record).then(sendAll);
          });
          item.appendChild(retry);
        }
        if (record.state !== "waiting") {
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "btn btn-link btn-sm p-0";
          remove.textContent = text("remove");
          remove.addEventListener("click", function () {
            database().then(function (db) { return db.delete(STORE, record.client_id); }).then(render);
          });
          item.appendChild(remove);
        }
        list.appendChild(item);
      });
      panel.hidden = records.length === 0;
      var network = panel.querySelector("[data-outbox-network]");
      if (network) { network.textContent = navigator.onLine ? "" : text("offline"); }
    });
  }

  if (panel) {
    panel.querySelector("[data-outbox-send]").addEventListener("click", function () { sendAll(); });
  }

  // ------------------------------------------------------------------------------------------ the form

  var form = document.querySelector("form[data-activity-form]");
  var clientInput = form && form.querySelector("input[name=client_id]");
  if (form && clientInput && panel) {
    if (!clientInput.value) {
      // A fresh page (or the service worker's copy of one, whose nonce an earlier submission may have used):
      // this page's own id, also as the nonce that turns a double submission into one activity.
      clientInput.value = newId();
      var nonce = form.querySelector("input[name=nonce]");
      if (nonce) { nonce.value = clientInput.value; }
    }
    // Back to a form already sent (the browser's page cache): a new activity needs its own id; the form's
    // nonce still makes a plain resend of the same page return the first activity.
    window.addEventListener("pageshow", function (event) { if (event.persisted) { clientInput.value = newId(); } });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (event.defaultPrevented || navigator.onLine) { return; } // online: the ordinary submission
      if (submitter && /^(add_|remove_)/.test(submitter.name || "")) { return; }
      if (!form.checkValidity()) { return; }
      event.preventDefault();
      saveForm(form, submitter).then(function () {
        form.reset();
        form.dataset.sent = "";
        clientInput.value = newId();
        return render();
      }).then(function () {
        var notice = panel.querySelector("[data-outbox-notice]");
        if (notice) { notice.textContent = text("kept"); notice.hidden = false; }
        panel.scrollIntoView({ block: "start" });
      });
    });
  }

  // Logging out clears this phone's outbox: say so when something is still waiting.
  document.querySelectorAll("form[data-logout]").forEach(function (logout) {
    logout.addEventListener("submit", function (event) {
      if (logout.dataset.confirmed === "1") { return; }
      event.preventDefault();
      mine().then(function (records) {
        var waiting = records.filter(function (r) { return r.state === "waiting"; }).length;
        if (!waiting || window.confirm(text("logout").replace("{count}", String(waiting)))) {
          logout.dataset.confirmed = "1";
          logout.requestSubmit ? logout.requestSubmit() : logout.submit();
        }
      }).catch(function () { logout.dataset.confirmed = "1"; logout.submit(); });
    });
  });

  window.addEventListener("online", function () { render(); sendAll(); });
  window.addEventListener("offline", render);
  setInterval(function () { if (navigator.onLine) { sendAll(); } }, RETRY_MS);
  window.OutreachOutbox = { saveForm: saveForm, sendAll: sendAll, render: render };
  render().then(function () { if (navigator.onLine) { return sendAll(); } return null; });
})();
