/* The activity form in steps on a phone (issue 14): what and when → who → where → what was said → photos →
   review. Each <section data-step> is one step; Back/Next sit at the bottom of the screen. Only below the
   md breakpoint: on a desk PC, and without JavaScript, the form stays one page. Next checks the step's own
   fields (the browser cannot point at a field in a hidden step); a form the server sent back opens on the
   first step with an error. */
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  var nav = form && form.querySelector("[data-step-nav]");
  if (!form || !nav) { return; }
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var back = nav.querySelector("[data-step-back]");
  var next = nav.querySelector("[data-step-next]");
  var label = nav.querySelector("[data-step-label]");
  var phone = window.matchMedia("(max-width: 767.98px)");
  var current = 0;

  function title(step) {
    var h = step.querySelector("h2");
    return h ? h.textContent.trim() : "";
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    var stepped = phone.matches;
    form.classList.toggle("stepped", stepped);
    nav.classList.toggle("d-none", !stepped);
    steps.forEach(function (step, i) { step.hidden = stepped && i !== current; });
    if (!stepped) { return; }
    back.disabled = current === 0;
    next.classList.toggle("d-none", current === steps.length - 1);
    label.textContent = nav.getAttribute("data-step-text")
      .replace("{n}", String(current + 1)).replace("{total}", String(steps.length)) +
      " · " + title(steps[current]);
    if (focus) {
      window.scrollTo(0, 0);
      var heading = steps[current].querySelector("h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
    }
  }

  function stepValid() {
    var fields = steps[current].querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].checkValidity()) { fields[i].reportValidity(); return false; }
    }
    return true;
  }

  back.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { if (stepValid()) { show(current + 1, true); } });

  /* A field the browser finds invalid on submit may sit in a hidden step: open that step first. */
  form.addEventListener("invalid", function (event) {
    var step = event.target.closest ? event.target.closest("[data-step]") : null;
    var index = steps.indexOf(step);
    if (index >= 0 && index !== current && phone.matches) { show(index, false); }
  }, true);

  phone.addEventListener("change", function () { show(current, false); });

  /* The review's message count: ticked catalogue messages plus the lines typed under them. */
  function countMessages() {
    var total = form.querySelector("[data-total='messages']");
    if (!total) { return; }
    var ticked = form.querySelectorAll("input[name=message_ids]:checked").length;
    var typed = form.querySelector("textarea[name=messages_text]");
    var lines = typed ? typed.value.split("\n").filter(function (l) { return l.trim(); }).length : 0;
    total.textContent = String(ticked + lines);
  }
  form.addEventListener("change", countMessages);
  form.addEventListener("input", countMessages);
  countMessages();

  var firstError = form.querySelector(".is-invalid, [data-testid=form-message]");
  var start = 0;
  if (firstError) {
    var owner = firstError.closest("[data-step]");
    start = owner ? steps.indexOf(owner) : steps.length - 1;
  }
  show(start, false);
  if (firstError && phone.matches) {
    var field = steps[current].querySelector(".is-invalid");
    if (field) { field.focus(); }
  }
})();
