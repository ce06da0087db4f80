/* Charts of the trainer pages: each .chart element carries its ECharts options (built on the
   server) in data-chart; this hands them to the vendored ECharts with the SVG renderer. Without
   JavaScript, or if the library fails to load, the data table beside each chart remains. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var charts = [];
  var nodes = document.querySelectorAll(".chart[data-chart]");
  for (var i = 0; i < nodes.length; i++) {
    var node = nodes[i];
    var options;
    try {
      options = JSON.parse(node.getAttribute("data-chart"));
    } catch (e) {
      continue;
    }
    var chart = window.echarts.init(node, null, {renderer: "svg"});
    chart.setOption(options);
    node.setAttribute("data-rendered", "1");
    charts.push(chart);
  }
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () {
      for (var k = 0; k < charts.length; k++) { charts[k].resize(); }
    }, 150);
  });
})();
