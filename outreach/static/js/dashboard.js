/* Dashboard charts (Chart.js) and map (Leaflet). No inline script: the charts' data comes from the JSON block
   #dashboard-data; the map and the gaps come after the figures, fetched from #dashboard-deferred's data-src
   (dashboard.deferred), whose JSON block #dashboard-map-data feeds the map. On the page of their own (opened
   without JavaScript's fetch) the map is drawn from the same block, already there. */
(function () {
  "use strict";

  function parseDay(iso) {
    var parts = iso.split("-");
    return new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
  }

  function locale(data) {
    return data.lang === "en" ? "en-GB" : "id-ID";
  }

  function readJson(block) {
    return block ? JSON.parse(block.textContent || "{}") : null;
  }

  function drawTrend(data, canvasId, rows, dateOptions) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || typeof Chart === "undefined" || !rows || !rows.length) { return; }
    var lang = locale(data);
    var labels = data.labels || {};
    var fmt = new Intl.DateTimeFormat(lang, dateOptions);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return fmt.format(parseDay(r.period_start)); }),
        datasets: [
          { label: labels.activities, data: rows.map(function (r) { return r.activities; }),
            backgroundColor: "#5c3d12", yAxisID: "y" },
          { label: labels.parcels, data: rows.map(function (r) { return r.parcels; }),
            type: "line", borderColor: "#198754", backgroundColor: "#198754", yAxisID: "y1", tension: 0.2 }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: lang,
        scales: {
          y: { beginAtZero: true, position: "left", ticks: { precision: 0 } },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } }
        }
      }
    });
  }

  /* The map of the visited places, from the #dashboard-map-data block inside ``root``. */
  function drawMap(root) {
    var data = readJson(root.querySelector("#dashboard-map-data"));
    var mapBox = root.querySelector("#dashboard-map");
    var points = (data && data.points) || [];
    if (!mapBox || typeof L === "undefined" || !points.length) { return; }
    var labels = data.labels || {};
    var numberFormat = new Intl.NumberFormat(locale(data));
    var map = L.map(mapBox, { attributionControl: Boolean(data.tile_attribution), scrollWheelZoom: false });
    if (data.tile_url) {
      L.tileLayer(data.tile_url, { maxZoom: 18, attribution: data.tile_attribution || "" }).addTo(map);
    }
    var most = points.reduce(function (m, p) { return Math.max(m, p.visits); }, 1);
    var bounds = [];
    points.forEach(function (p) {
      var share = p.visits / most;
      var colour = share > 0.66 ? "#b02a37" : share > 0.33 ? "#fd7e14" : "#0d6efd";
      var marker = L.circleMarker([p.latitude, p.longitude], {
        radius: 5 + Math.round(share * 12), color: colour, fillColor: colour, fillOpacity: 0.6, weight: 1
      }).addTo(map);
      var popup = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = p.name;
      popup.appendChild(name);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(numberFormat.format(p.visits) + " " + (labels.visits_at || "")));
      marker.bindPopup(popup);
      // Leaflet reads a string as HTML: give it a text node, so a place name is always shown as text.
      var tip = document.createElement("span");
      tip.textContent = p.name;
      marker.bindTooltip(tip);
      bounds.push([p.latitude, p.longitude]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 13);
    } else {
      map.fitBounds(bounds, { padding: [20, 20] });
    }
  }

  /* The failure message with a retry link; the words come from the page (data-error, data-retry). */
  function showFailure(box) {
    var message = document.createElement("p");
    message.className = "alert alert-warning";
    message.setAttribute("role", "alert");
    message.setAttribute("data-testid", "deferred-error");
    message.appendChild(document.createTextNode((box.getAttribute("data-error") || "") + " "));
    var retry = document.createElement("a");
    retry.href = box.getAttribute("data-src");
    retry.textContent = box.getAttribute("data-retry") || "";
    retry.setAttribute("data-testid", "deferred-retry");
    retry.addEventListener("click", function (event) {
      event.preventDefault();
      load(box);
    });
    message.appendChild(retry);
    box.replaceChildren(message);
    box.setAttribute("aria-busy", "false");
  }

  /* Fetch the map and the gaps into ``box``, then draw the map. A redirect (an expired session sent to the
     login page) or an error status is a failure, never inserted. */
  function load(box) {
    var src = box.getAttribute("data-src");
    box.setAttribute("aria-busy", "true");
    fetch(src, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        box.replaceChildren.apply(box, Array.prototype.slice.call(parsed.body.childNodes));
        box.setAttribute("aria-busy", "false");
        drawMap(box);
      })
      .catch(function () { showFailure(box); });
  }

  var data = readJson(document.getElementById("dashboard-data"));
  if (data) {
    drawTrend(data, "chart-week", data.by_week, { day: "numeric", month: "short" });
    drawTrend(data, "chart-month", data.by_month, { month: "short", year: "numeric" });
  }
  var deferred = document.getElementById("dashboard-deferred");
  if (deferred && deferred.getAttribute("data-src")) {
    load(deferred);
  } else {
    drawMap(document);
  }
})();
