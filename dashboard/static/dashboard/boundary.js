// 地图边界 preview: the version shown drawn with ECharts, the projects the user may view over it, so the
// office sees at once whether the boundary and the projects' coordinates line up. Data from the page's
// json_script block (the CSP forbids inline scripts). Points: [name, longitude, latitude, project page].
(function () {
  "use strict";

  const element = document.getElementById("boundary-preview");
  const source = document.getElementById("boundary-preview-data");
  if (!element || !source) return;
  const data = JSON.parse(source.textContent);
  if (!data.boundary) return;
  echarts.registerMap("tiaodu-boundary-preview", data.boundary);
  const chart = echarts.init(element, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "item", formatter: (p) => p.name },
    geo: {
      map: "tiaodu-boundary-preview",
      roam: true,
      label: { show: true, fontSize: 11, color: "#555" },
      itemStyle: { areaColor: "#eef3f8", borderColor: "#7a8ca3" },
      emphasis: { itemStyle: { areaColor: "#d6e4f0" }, label: { show: true } },
    },
    series: [
      {
        type: "scatter",
        name: "项目",
        coordinateSystem: "geo",
        symbolSize: 8,
        itemStyle: { color: "#6c757d" },
        data: data.points.map((p) => ({ name: p[0], value: [p[1], p[2]], url: p[3] })),
      },
    ],
  });
  chart.on("click", function (params) {
    if (params.data && params.data.url) window.location.href = params.data.url;
  });
  window.addEventListener("resize", () => chart.resize());
})();
