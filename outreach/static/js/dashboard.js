/* Dashboard charts (Chart.js) and map (Leaflet). Data comes from the JSON block #dashboard-data: no inline script. */
(function () {
  "use strict";
  var block = document.getElementById("dashboard-data");
  if (!block) { return; }
  var data = JSON.parse(block.textContent || "{}");
  var lang = data.lang === "en" ? "en-GB" : "id-ID";
  var labels = data.labels || {};
  var numberFormat = new Intl.NumberFormat(lang);

  function parseDay(iso) {
    var parts = iso.split("-");
    return new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
  }

  function drawTrend(canvasId, rows, dateOptions) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || typeof Chart === "undefined" || !rows || !rows.length) { return; }
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

  drawTrend("chart-week", data.by_week, { day: "numeric", month: "short" });
  drawTrend("chart-month", data.by_month, { month: "short", year: "numeric" });

  var mapBox = document.getElementById("dashboard-map");
  var points = data.points || [];
  if (mapBox && typeof L !== "undefined" && points.length) {
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
})();
