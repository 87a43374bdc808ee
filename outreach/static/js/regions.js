/* Kemendagri region autocomplete for place forms. Inside a [data-region-group] (its data-region-url is the
   app's GET /regions), each text input with data-region-level=1..4 gets a <datalist> of matching regions,
   searched inside the region picked above it; picking one stores its code in the group's hidden input with
   data-region-code of the same level. Typing anything else clears that code (and the codes below it), so the
   server matches the name as written. Without JavaScript the names alone are sent and matched. */
(function () {
  "use strict";
  var lists = new WeakMap();
  var counter = 0;
  var timer = null;

  function codeInput(group, level) {
    return group.querySelector("input[data-region-code='" + level + "']");
  }

  function parentCode(group, level) {
    for (var l = level - 1; l >= 1; l -= 1) {
      var c = codeInput(group, l);
      if (c && c.value) { return c.value; }
    }
    return "";
  }

  function listFor(input) {
    var list = lists.get(input);
    if (!list) {
      /* A row cloned by activity-form.js carries a copy of the original row's list: drop it. */
      var stale = input.nextElementSibling;
      if (stale && stale.tagName === "DATALIST") { stale.remove(); }
      counter += 1;
      list = document.createElement("datalist");
      list.id = "region-list-" + counter;
      input.insertAdjacentElement("afterend", list);
      input.setAttribute("list", list.id);
      lists.set(input, list);
    }
    return list;
  }

  function clearCodes(group, level) {
    for (var l = level; l <= 4; l += 1) {
      var c = codeInput(group, l);
      if (c) { c.value = ""; }
    }
  }

  function suggest(input, group, level) {
    var q = input.value.trim();
    var list = listFor(input);
    if (q.length < 2) { list.replaceChildren(); return; }
    var params = new URLSearchParams({ q: q, level: String(level) });
    var parent = parentCode(group, level);
    if (parent) { params.set("parent", parent); }
    fetch(group.getAttribute("data-region-url") + "?" + params.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : []; }).then(function (regions) {
      list.replaceChildren();
      regions.forEach(function (region) {
        var option = document.createElement("option");
        option.value = region.name;
        option.label = region.label + " (" + region.code + ")";
        option.setAttribute("data-code", region.code);
        list.appendChild(option);
      });
      pick(input, group, level);
    }).catch(function () { /* the name alone is sent and matched on the server */ });
  }

  /* A value equal to exactly one suggestion picks it. */
  function pick(input, group, level) {
    var list = lists.get(input);
    var code = codeInput(group, level);
    if (!list || !code) { return; }
    var hits = Array.prototype.filter.call(list.options, function (o) { return o.value === input.value; });
    if (hits.length === 1) { code.value = hits[0].getAttribute("data-code"); }
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-region-level")) { return; }
    var group = input.closest("[data-region-group]");
    if (!group) { return; }
    var level = parseInt(input.getAttribute("data-region-level"), 10);
    clearCodes(group, level);
    pick(input, group, level);
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { suggest(input, group, level); }, 200);
  });
})();
