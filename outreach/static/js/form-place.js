/* Places and people on the activity form (issue 14), by event delegation so cloned rows are covered:
   - a place picked from the registry folds the "new place" block away (it comes back when the pick is cleared);
   - "Add as partner" copies the contact met at a place into the partners in one tap;
   - an item picked from the catalogue needs no description: the box shows for "Other" (or no pick) only;
   - "Use my location" fills a new place's position from the Geolocation API, keeps its accuracy, and when
     map tiles are configured shows a small Leaflet map whose marker can be dragged to the right spot. */
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) { return; }
  var tiles = JSON.parse(form.getAttribute("data-tiles") || "null");

  function syncPlace(row) {
    var select = row.querySelector(".js-location-select");
    var block = row.querySelector("[data-new-place]");
    if (select && block) { block.hidden = Boolean(select.value); }
  }

  function syncItem(itemRow) {
    var kind = itemRow.querySelector(".js-item-kind");
    var name = itemRow.querySelector("[data-item-name]");
    if (!kind || !name) { return; }
    var input = name.querySelector("input");
    var needed = !kind.value || kind.value === "lainnya" || (input && input.classList.contains("is-invalid"));
    name.hidden = !needed;
  }

  function syncAll() {
    form.querySelectorAll("[data-visit-row]").forEach(function (row) {
      syncPlace(row);
      var box = row.querySelector("[data-contact-partner-box]");
      if (box) { box.classList.remove("d-none"); }
      var button = row.querySelector("[data-contact-partner]");
      var contact = row.querySelector("input[name$='-contact_name']");
      if (button && !button.hasAttribute("data-label")) { button.setAttribute("data-label", button.textContent); }
      if (button && contact && !contact.value.trim()) {  // a cloned row starts with the button ready again
        button.disabled = false;
        button.textContent = button.getAttribute("data-label");
      }
      var geo = row.querySelector("[data-use-location]");
      if (geo && navigator.geolocation) { geo.classList.remove("d-none"); }
      row.querySelectorAll("[data-item-row]").forEach(syncItem);
    });
  }

  form.addEventListener("change", function (event) {
    var t = event.target;
    if (t.classList.contains("js-location-select")) { syncPlace(t.closest("[data-visit-row]")); }
    if (t.classList.contains("js-item-kind")) { syncItem(t.closest("[data-item-row]")); }
  });

  /* The registry search sets the select's value from script (no change event): watch its options. */
  new MutationObserver(function () {
    form.querySelectorAll("[data-visit-row]").forEach(syncPlace);
  }).observe(form, { childList: true, subtree: true });
  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-location-search")) {
      setTimeout(function () { syncPlace(event.target.closest("[data-visit-row]")); }, 600);
    }
  });

  function addPartnerFrom(row, button) {
    var name = row.querySelector("input[name$='-contact_name']").value.trim();
    var role = row.querySelector("input[name$='-contact_role']").value.trim();
    if (!name) { row.querySelector("input[name$='-contact_name']").focus(); return; }
    var list = form.querySelector("[data-partner-list]");
    var rows = list.querySelectorAll("[data-partner-row]");
    var target = null;
    for (var i = 0; i < rows.length; i++) {
      var n = rows[i].querySelector("input[name$='-name']");
      if (n.value.trim() === name) { return; }  // already a partner
      if (!target && !n.value.trim()) { target = rows[i]; }
    }
    if (!target) {
      form.querySelector("[data-add-partner]").click();  // activity-form.js adds an empty row
      rows = list.querySelectorAll("[data-partner-row]");
      target = rows[rows.length - 1];
    }
    target.querySelector("input[name$='-name']").value = name;
    var place = row.querySelector(".js-location-select");
    var placeName = place && place.value ? place.options[place.selectedIndex].textContent.replace(/ \(.*\)$/, "") :
      (row.querySelector("input[name$='-new_name']") || { value: "" }).value.trim();
    target.querySelector("input[name$='-role']").value = role && placeName ? role + " " + placeName : (role || placeName);
    button.textContent = button.getAttribute("data-done");
    button.disabled = true;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.hasAttribute("data-contact-partner")) {
      event.preventDefault();
      addPartnerFrom(button.closest("[data-visit-row]"), button);
    } else if (button.hasAttribute("data-use-location")) {
      event.preventDefault();
      locate(button.closest("[data-position]"), button);
    }
  });

  function setPosition(box, lat, lng, accuracy) {
    box.querySelector("input[name$='-new_latitude']").value = lat.toFixed(6);
    box.querySelector("input[name$='-new_longitude']").value = lng.toFixed(6);
    box.querySelector("input[name$='-new_accuracy']").value = accuracy === null ? "" : String(Math.round(accuracy));
  }

  function showMap(box, lat, lng) {
    var holder = box.querySelector("[data-position-map]");
    if (!tiles || !window.L || !holder) { return; }
    holder.classList.remove("d-none");
    if (holder.leafletMap) {
      holder.leafletMarker.setLatLng([lat, lng]);
      holder.leafletMap.setView([lat, lng], 17);
      return;
    }
    var map = window.L.map(holder, { scrollWheelZoom: false, attributionControl: Boolean(tiles.attribution) });
    window.L.tileLayer(tiles.url, { maxZoom: 19, attribution: tiles.attribution || "" }).addTo(map);
    map.setView([lat, lng], 17);
    var marker = window.L.marker([lat, lng], { draggable: true, keyboard: true }).addTo(map);
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      setPosition(box, p.lat, p.lng, null);  // moved by hand: the phone's accuracy no longer applies
    });
    holder.leafletMap = map;
    holder.leafletMarker = marker;
  }

  function locate(box, button) {
    var status = box.querySelector("[data-position-status]");
    status.textContent = button.getAttribute("data-locating");
    navigator.geolocation.getCurrentPosition(function (pos) {
      var c = pos.coords;
      setPosition(box, c.latitude, c.longitude, c.accuracy);
      status.textContent = button.getAttribute("data-accuracy-text").replace("{m}", String(Math.round(c.accuracy)));
      showMap(box, c.latitude, c.longitude);
    }, function () {
      status.textContent = button.getAttribute("data-failed");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  syncAll();
  /* Rows added by activity-form.js arrive as clones: re-run the sync after each add. */
  form.addEventListener("click", function (event) {
    if (event.target.closest("[data-add-visit], [data-add-item]")) { setTimeout(syncAll, 0); }
  });
})();
