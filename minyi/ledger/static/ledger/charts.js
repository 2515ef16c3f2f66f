/* The statistics charts (issue 11): each <div class="chart" data-spec="ID"> draws the spec in
   the json_script element ID with Apache ECharts (vendored, minyi/core/static/vendor/echarts).
   Every data point carries the ledger's address of the orders it counts: a click goes there.
   No inline script, no eval (CSP script-src 'self'). */
(function () {
  "use strict";

  function percentLabel(value) {
    return value === null || value === undefined ? "样本不足" : value + "%";
  }

  function option(spec) {
    var horizontal = !!spec.horizontal;
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    var valueAxis = { type: "value", minInterval: spec.percent ? 0 : 1 };
    if (spec.percent) {
      valueAxis.max = 100;
      valueAxis.axisLabel = { formatter: "{value}%" };
    }
    if (horizontal) {
      categoryAxis.inverse = true;
      categoryAxis.axisLabel = { width: 110, overflow: "truncate" };
    }
    return {
      animation: false,
      // drawn on the canvas: the HTML tooltip writes style attributes the CSP refuses
      tooltip: {
        renderMode: "richText",
        trigger: horizontal ? "item" : "axis",
        valueFormatter: spec.percent ? percentLabel : undefined
      },
      legend: spec.series.length > 1 ? { top: 0, type: "scroll" } : undefined,
      grid: { left: horizontal ? 120 : 48, right: 24, top: spec.series.length > 1 ? 36 : 12, bottom: 28 },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.type,
          stack: spec.stack ? "total" : undefined,
          connectNulls: false,
          cursor: "pointer",
          data: s.data
        };
      })
    };
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-spec"));
    if (!source || !window.echarts) { return; }
    var spec = JSON.parse(source.textContent);
    if (!spec.categories.length) {
      element.classList.add("chart-empty");
      element.textContent = "所选范围内没有工单。";
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.assign(params.data.url); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".chart[data-spec]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
