/*
 * Charts of the regional picture, drawn with the vendored Chart.js.
 *
 * Each chart is a <canvas id="chart-<name>"> followed by its configuration in a
 * <script type="application/json" data-chart-for="chart-<name>"> element that the
 * server wrote (no inline script runs: the Content-Security-Policy allows scripts from
 * the hub only). The same figures are in a table on the page, so nothing is lost with
 * JavaScript off. Once a chart has drawn, its canvas gets data-rendered="true" (browser
 * tests wait for it).
 */
(function () {
  "use strict";

  var markRendered = {
    id: "exchangeRendered",
    afterRender: function (chart) {
      chart.canvas.setAttribute("data-rendered", "true");
    }
  };

  function draw(source) {
    var canvas = document.getElementById(source.getAttribute("data-chart-for"));
    if (!canvas || typeof window.Chart === "undefined") {
      return;
    }
    var config;
    try {
      config = JSON.parse(source.textContent);
    } catch (error) {
      canvas.setAttribute("data-rendered", "error");
      return;
    }
    config.options = config.options || {};
    config.options.animation = false;
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.plugins = [markRendered];
    new window.Chart(canvas, config);
  }

  function start() {
    var sources = document.querySelectorAll('script[type="application/json"][data-chart-for]');
    for (var i = 0; i < sources.length; i += 1) {
      draw(sources[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
