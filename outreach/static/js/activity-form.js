/* Activity form enhancements: add/remove rows without a round trip, live totals, registry search,
   leader prefill from the unit's people. Without JavaScript the same buttons post the form and the
   server adds or removes the row, so everything here is optional. */
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) { return; }
  var visitList = form.querySelector("[data-visit-list]");

  function number(value) {
    var n = parseInt(value, 10);
    return isNaN(n) || n < 0 ? 0 : n;
  }

  function fmt(n) {
    return n.toLocaleString(document.documentElement.lang || undefined);
  }

  function updateTotals() {
    var parcels = 0, beneficiaries = 0, locations = 0;
    visitList.querySelectorAll("[data-visit-row]").forEach(function (row) {
      var p = row.querySelector(".js-parcels"), b = row.querySelector(".js-beneficiaries");
      var sel = row.querySelector(".js-location-select"), name = row.querySelector("input[name$='-new_name']");
      parcels += number(p && p.value);
      beneficiaries += number(b && b.value);
      if ((sel && sel.value) || (name && name.value.trim())) { locations += 1; }
    });
    var set = function (key, value) {
      var el = form.querySelector("[data-total='" + key + "']");
      if (el) { el.textContent = fmt(value); }
    };
    set("parcels", parcels);
    set("beneficiaries", beneficiaries);
    set("locations", locations);
  }

  /* Rewrite "<list>-<old>-" to "<list>-<new>-" in names, ids and label targets of a cloned row. */
  function renumber(root, pattern, replacement) {
    root.querySelectorAll("[name],[id],[for],[aria-describedby],[list]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) { el.setAttribute(attr, v.replace(pattern, replacement)); }
      });
    });
  }

  function clearRow(row) {
    row.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
      else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      else if (el.type === "number") { el.value = el.classList.contains("js-parcels") || el.classList.contains("js-beneficiaries") ? "0" : ""; }
      else { el.value = ""; }
      el.classList.remove("is-invalid");
      el.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
  }

  function nextIndex(list, selector, re) {
    var max = -1;
    list.querySelectorAll(selector).forEach(function (el) {
      var m = (el.getAttribute("name") || "").match(re);
      if (m) { max = Math.max(max, parseInt(m[1], 10)); }
    });
    return max + 1;
  }

  function addVisit() {
    var rows = visitList.querySelectorAll("[data-visit-row]");
    var last = rows[rows.length - 1];
    var index = nextIndex(visitList, "[name^='visits-']", /^visits-(\d+)-/);
    var clone = last.cloneNode(true);
    var m = (last.querySelector("[name^='visits-']").getAttribute("name") || "").match(/^visits-(\d+)-/);
    renumber(clone, new RegExp("visits-" + m[1] + "-", "g"), "visits-" + index + "-");
    clone.querySelectorAll("[data-item-row]").forEach(function (item, i) { if (i > 0) { item.remove(); } });
    clearRow(clone);
    clone.querySelector("details") && clone.querySelector("details").setAttribute("open", "");
    visitList.appendChild(clone);
    wireRow(clone);
    refreshNumbers();
    updateTotals();
    var first = clone.querySelector("select, input");
    if (first) { first.focus(); }
  }

  function refreshNumbers() {
    var rows = visitList.querySelectorAll("[data-visit-row]");
    rows.forEach(function (row, i) {
      var n = row.querySelector("[data-visit-number]");
      if (n) { n.textContent = String(i + 1); }
      var remove = row.querySelector("[data-remove-visit]");
      if (remove) { remove.disabled = rows.length < 2; }
    });
  }

  function addItem(row) {
    var list = row.querySelector("[data-item-list]");
    var items = list.querySelectorAll("[data-item-row]");
    var last = items[items.length - 1];
    var name = last.querySelector("[name]").getAttribute("name");
    var m = name.match(/^(visits-\d+-items-)(\d+)-/);
    var index = nextIndex(list, "[name]", /-items-(\d+)-/);
    var clone = last.cloneNode(true);
    renumber(clone, new RegExp(m[1] + m[2] + "-", "g"), m[1] + index + "-");
    clearRow(clone);
    list.appendChild(clone);
    clone.querySelector("input").focus();
  }

  function wireRow(row) {
    var search = row.querySelector("[data-location-search]");
    var select = row.querySelector(".js-location-select");
    var box = row.querySelector("[data-location-search-box]");
    if (box) { box.classList.remove("d-none"); }
    if (search && select) {
      var timer = null;
      search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { searchLocations(search.value, select); }, 250);
      });
    }
  }

  function searchLocations(q, select) {
    var url = form.getAttribute("data-locations-url") + "?q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) {
        var keep = select.value;
        var first = select.options[0];
        while (select.firstChild) { select.removeChild(select.firstChild); }  // no innerHTML anywhere
        select.appendChild(first);
        found.forEach(function (loc) {
          var opt = document.createElement("option");
          opt.value = String(loc.id);
          opt.textContent = loc.address ? loc.name + " (" + loc.address + ")" : loc.name;
          select.appendChild(opt);
        });
        var kept = Array.prototype.some.call(select.options, function (o) { return o.value === keep; });
        if (keep && kept) { select.value = keep; }
        else if (found.length === 1) { select.value = String(found[0].id); }
        updateTotals();
      })
      .catch(function () { /* keep the current list */ });
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.hasAttribute("data-add-visit")) {
      event.preventDefault();
      addVisit();
    } else if (button.hasAttribute("data-remove-visit")) {
      event.preventDefault();
      if (visitList.querySelectorAll("[data-visit-row]").length > 1) {
        button.closest("[data-visit-row]").remove();
        refreshNumbers();
        updateTotals();
      }
    } else if (button.hasAttribute("data-add-item")) {
      event.preventDefault();
      addItem(button.closest("[data-visit-row]"));
    } else if (button.hasAttribute("data-add-partner")) {
      event.preventDefault();
      addPartner();
    }
  });

  /* A new partner row: a copy of the last one, renumbered and emptied. */
  function addPartner() {
    var list = form.querySelector("[data-partner-list]");
    var rows = list.querySelectorAll("[data-partner-row]");
    var last = rows[rows.length - 1];
    var m = last.querySelector("[name]").getAttribute("name").match(/^partners-(\d+)-/);
    var index = nextIndex(list, "[name]", /^partners-(\d+)-/);
    var clone = last.cloneNode(true);
    renumber(clone, new RegExp("partners-" + m[1] + "-", "g"), "partners-" + index + "-");
    clone.querySelectorAll(".form-text").forEach(function (el) { el.remove(); });
    clearRow(clone);
    list.appendChild(clone);
    clone.querySelector("input").focus();
  }

  /* Choosing an item's kind suggests the catalogue's measure (kg, lembar …) when none is typed yet. */
  var measures = JSON.parse(form.getAttribute("data-item-measures") || "{}");
  form.addEventListener("change", function (event) {
    var select = event.target.closest ? event.target.closest(".js-item-kind") : null;
    if (!select) { return; }
    var row = select.closest("[data-item-row]");
    var measure = row ? row.querySelector(".js-item-measure") : null;
    if (measure && !measure.value && measures[select.value]) { measure.value = measures[select.value]; }
  });

  form.addEventListener("input", updateTotals);
  form.addEventListener("change", updateTotals);

  var peopleData = document.getElementById("people-data");
  var people = peopleData ? JSON.parse(peopleData.textContent || "[]") : [];
  var pick = form.querySelector(".js-person-pick");
  if (pick) {
    pick.addEventListener("change", function () {
      var person = people.find(function (p) { return String(p.id) === pick.value; });
      if (!person) { return; }
      ["rank", "name", "degrees", "nrp", "position"].forEach(function (key) {
        var input = form.querySelector("[name='leader_" + key + "']");
        if (input) { input.value = person[key] || ""; }
      });
    });
  }

  /* An officer picked from the unit's people fills that row (rows added later are covered by delegation). */
  form.addEventListener("change", function (event) {
    var select = event.target.closest ? event.target.closest(".js-officer-pick") : null;
    if (!select) { return; }
    var person = people.find(function (p) { return String(p.id) === select.value; });
    var row = select.closest("[data-officer-row]");
    if (!person || !row) { return; }
    ["rank", "name", "degrees", "nrp", "position"].forEach(function (key) {
      var input = row.querySelector("[name$='-" + key + "']");
      if (input) { input.value = person[key] || ""; }
    });
  });

  /* Keep a double click from sending the form twice (the server also refuses a resent form). */
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.getAttribute("data-testid") === "save") {
      if (form.dataset.sent === "1") { event.preventDefault(); return; }
      form.dataset.sent = "1";
    }
  });

  visitList.querySelectorAll("[data-visit-row]").forEach(wireRow);
  refreshNumbers();
  updateTotals();
})();
