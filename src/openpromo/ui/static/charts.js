// The promotion page: tabs, and the charts drawn with Chart.js from the JSON in
// <script id="promotion-charts">. Every number is computed on the server (Decimal there);
// here the decimal strings become numbers for drawing only. Each chart has a table
// equivalent in the page, and the burn-rate sentences are server-rendered text.
(function () {
  "use strict";

  // --- Tabs: every panel is visible without JavaScript; with it, one at a time. ---------
  function setUpTabs() {
    var tabs = Array.prototype.slice.call(document.querySelectorAll("[role=tab][data-tab]"));
    if (!tabs.length) return;
    document.body.classList.add("js-tabs");
    var panels = tabs.map(function (t) { return document.getElementById(t.dataset.tab); });

    function show(name, focus) {
      tabs.forEach(function (t, i) {
        var on = t.dataset.tab === name;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
        if (on && focus) t.focus();
      });
      window.dispatchEvent(new Event("resize")); // charts in a panel just shown size themselves
    }

    // Which tab holds the element the address points at (#tiers is in Setup's advanced part).
    function fromHash() {
      var id = window.location.hash.slice(1);
      if (!id) return null;
      var target = document.getElementById(id);
      if (!target) return null;
      var panel = target.closest(".tab-panel");
      var details = target.closest("details");
      if (details && details !== target) details.open = true;
      return panel ? panel.id : null;
    }

    var initial = fromHash() ||
      (tabs.filter(function (t) { return t.getAttribute("aria-selected") === "true"; })[0] || tabs[0]).dataset.tab;
    show(initial, false);
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && !target.classList.contains("tab-panel")) target.scrollIntoView();

    tabs.forEach(function (t, i) {
      t.addEventListener("click", function (e) {
        e.preventDefault();
        history.replaceState(null, "", "#" + t.dataset.tab);
        show(t.dataset.tab, false);
      });
      t.addEventListener("keydown", function (e) {
        var next = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (!next) return;
        e.preventDefault();
        var to = tabs[(i + next + tabs.length) % tabs.length];
        history.replaceState(null, "", "#" + to.dataset.tab);
        show(to.dataset.tab, true);
      });
    });
    window.addEventListener("hashchange", function () {
      var name = fromHash();
      if (name) show(name, false);
    });
  }

  // --- Charts ---------------------------------------------------------------------------
  var COLOURS = ["#2454d6", "#1f7a4d", "#8a3ffc", "#d48806", "#007d79", "#b3261e"];
  var LEVEL = { ok: "#1f7a4d", warn: "#d48806", bad: "#b3261e" };

  function num(text) { return text === null || text === undefined ? null : parseFloat(text); }

  function baseOptions(yTitle) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { display: true, position: "bottom", labels: { boxWidth: 12 } } },
      scales: {
        x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 }, grid: { display: false } },
        y: { beginAtZero: true, title: { display: !!yTitle, text: yTitle }, ticks: { precision: 0 } },
      },
    };
  }

  function draw(canvas, config) {
    if (!canvas) return null;
    var chart = new window.Chart(canvas, config);
    canvas.dataset.drawn = "true";
    return chart;
  }

  function drawAll(data) {
    var labels = data.short_labels;
    draw(document.getElementById("chart-grants"), {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: "Grants", data: data.grants, backgroundColor: COLOURS[0] },
          { label: "Customers", data: data.customers, backgroundColor: "#9db4ef" },
        ],
      },
      options: baseOptions("per day"),
    });
    document.querySelectorAll("canvas.chart-reward").forEach(function (canvas) {
      var r = data.rewards[Number(canvas.dataset.index)];
      var i = Number(canvas.dataset.index);
      var options = baseOptions(r.unit);
      options.plugins.legend.display = false;
      draw(canvas, {
        type: "bar",
        data: {
          labels: labels,
          datasets: [{ label: r.label + " (" + r.unit + ")", data: r.values.map(num), backgroundColor: COLOURS[(i + 1) % COLOURS.length] }],
        },
        options: options,
      });
    });
    document.querySelectorAll("canvas.chart-limit").forEach(function (canvas) {
      var l = data.limits[Number(canvas.dataset.index)];
      var limit = num(l.limit);
      draw(canvas, {
        type: "line",
        data: {
          labels: labels,
          datasets: [
            { label: "Used (" + l.unit + ")", data: l.use.map(num), borderColor: LEVEL[l.level] || COLOURS[0],
              backgroundColor: "transparent", pointRadius: 0, borderWidth: 2, stepped: l.window === "lifetime" ? false : "before" },
            { label: "Limit", data: labels.map(function () { return limit; }), borderColor: "#5f6b7a",
              borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, backgroundColor: "transparent" },
          ],
        },
        options: baseOptions(l.unit),
      });
    });
  }

  function setUpCharts() {
    var source = document.getElementById("promotion-charts");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!window.Chart) {
      document.body.dataset.charts = "unavailable"; // the tables still hold every number
      return;
    }
    drawAll(data);
    document.body.dataset.charts = "drawn";
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpTabs();
    setUpCharts();
  });
})();
