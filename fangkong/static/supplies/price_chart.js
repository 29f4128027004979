// The price chart of markets: the daily average price of a basket item in an area against the city
// average, drawn with ECharts (static/vendor/echarts). The series come from the page's json_script
// element #price-chart-data: the Content-Security-Policy allows no inline script nor style attributes
// (tooltips are drawn on the canvas).
(function () {
  "use strict";
  var box = document.getElementById("price-chart");
  var source = document.getElementById("price-chart-data");
  if (!box || !source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(box);
  chart.setOption({
    animation: false,
    grid: { left: 44, right: 12, top: 36, bottom: 28 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: {
      type: "category",
      data: data.days.map(function (day) { return day.slice(5); }),
      axisLabel: { hideOverlap: true }
    },
    yAxis: { type: "value", scale: true, name: data.unit ? "¥/" + data.unit : "" },
    series: [
      { name: data.area_name, type: "line", data: data.area, connectNulls: true, symbolSize: 6 },
      { name: data.city_name, type: "line", data: data.city, connectNulls: true, showSymbol: false, lineStyle: { type: "dashed" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
