/* gaemi web pages: draws the charts the server sent, polls a run's progress, moves the leverage
   slider between points the server computed, and shows or hides form sections. It computes no
   figure: every number on the page comes from the server. No inline scripts (the page's CSP). */
(function () {
  "use strict";

  function narrow() { return window.innerWidth < 560; }

  function drawCharts() {
    if (!window.Plotly) { return; }
    var plots = document.querySelectorAll(".plot[data-fig]");
    Array.prototype.forEach.call(plots, function (div) {
      var src = document.getElementById(div.getAttribute("data-fig"));
      if (!src) { return; }
      var fig = JSON.parse(src.textContent);
      var layout = fig.layout || {};
      layout.autosize = true;
      delete layout.width;
      if (narrow()) {
        layout.height = 380;
        layout.margin = { l: 52, r: 10, t: 64, b: 110 };
        if (layout.title && layout.title.font) { layout.title.font.size = 14; }
      }
      var config = { displayModeBar: false, displaylogo: false, responsive: true, showTips: false };
      window.Plotly.newPlot(div, fig.data || [], layout, config).then(function () {
        div.setAttribute("data-rendered", "1");
        div.dispatchEvent(new CustomEvent("gaemi:rendered", { bubbles: true }));
      });
    });
  }

  function pollJob() {
    var box = document.getElementById("progress");
    if (!box) { return; }
    var id = box.getAttribute("data-job");
    var bar = document.getElementById("progress-bar");
    var text = document.getElementById("progress-text");
    var title = document.getElementById("progress-title");
    var delay = 400;
    function tick() {
      fetch("/api/jobs/" + encodeURIComponent(id), { headers: { "Accept": "application/json" }, cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (st) {
          if (!st) { window.location.reload(); return; }
          box.setAttribute("data-state", st.state);
          if (st.state === "done" || st.state === "error") { window.location.reload(); return; }
          var p = Math.round(100 * Math.max(0, Math.min(1, Number(st.progress) || 0)));
          bar.value = p;
          bar.textContent = p + "%";
          text.textContent = text.getAttribute("data-pct").replace("{pct}", String(p));
          title.textContent = text.getAttribute(st.state === "running" ? "data-running" : "data-queued");
          delay = Math.min(1500, delay + 100);
          window.setTimeout(tick, delay);
        })
        .catch(function () { window.setTimeout(tick, 1500); });
    }
    window.setTimeout(tick, 200);
  }

  function watchHealth() {
    var banner = document.getElementById("warming");
    if (!banner) { return; }
    function check() {
      fetch("/api/health", { cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (h) {
          if (!h) { return; }
          var warming = h.warming === true || h.ready === false;
          banner.hidden = !warming;
          if (warming) { window.setTimeout(check, 2000); }
        })
        .catch(function () { /* the server answers the page; a failed check changes nothing */ });
    }
    check();
  }

  function slider() {
    var input = document.getElementById("odds-slider");
    if (!input) { return; }
    var points = document.querySelectorAll("dl.odds-point");
    var rows = document.querySelectorAll("#odds-table tbody tr");
    var value = document.getElementById("slider-value");
    var chart = document.getElementById("chart-odds");
    var baseShapes = null;
    function show(k) {
      var current = null;
      Array.prototype.forEach.call(points, function (dl) {
        var on = Number(dl.getAttribute("data-k")) === k;
        dl.hidden = !on;
        if (on) { current = dl; }
      });
      Array.prototype.forEach.call(rows, function (tr) {
        tr.classList.toggle("current", Number(tr.getAttribute("data-k")) === k);
      });
      if (!current) { return; }
      value.textContent = current.getAttribute("data-label");
      input.setAttribute("aria-valuetext", current.getAttribute("data-label"));
      if (chart && window.Plotly && chart.getAttribute("data-rendered") === "1") {
        if (baseShapes === null) { baseShapes = (chart.layout && chart.layout.shapes) ? chart.layout.shapes.slice() : []; }
        var x = Number(current.getAttribute("data-x"));
        window.Plotly.relayout(chart, { shapes: baseShapes.concat([{ type: "line", xref: "x", yref: "paper",
          x0: x, x1: x, y0: 0, y1: 1, line: { color: "#d9822b", width: 3 } }]) });
      }
    }
    input.addEventListener("input", function () { show(Number(input.value)); });
    input.addEventListener("change", function () { show(Number(input.value)); });
    if (chart) { chart.addEventListener("gaemi:rendered", function () { show(Number(input.value)); }); }
    show(Number(input.value));
  }

  function formToggles() {
    var form = document.getElementById("plan-form");
    if (form) {
      var margin = document.getElementById("margin_on");
      var goals = form.querySelectorAll("input[name=goal_kind]");
      var update = function () {
        var on = margin && margin.checked;
        Array.prototype.forEach.call(form.querySelectorAll("[data-shown-by=margin_on]"), function (el) { el.hidden = !on; });
        var kind = "none";
        Array.prototype.forEach.call(goals, function (r) { if (r.checked) { kind = r.value; } });
        Array.prototype.forEach.call(form.querySelectorAll("[data-goal]"), function (el) {
          el.hidden = el.getAttribute("data-goal") !== kind;
        });
      };
      if (margin) { margin.addEventListener("change", update); }
      Array.prototype.forEach.call(goals, function (r) { r.addEventListener("change", update); });
      update();
    }
    Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
  }

  function start() {
    formToggles();
    drawCharts();
    slider();
    pollJob();
    watchHealth();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
