// 驾驶舱 charts: data comes from the page's json_script blocks (the CSP forbids inline scripts);
// clicking a bar, a slice or a point opens the list of the rows behind it.
(function () {
  "use strict";

  function read(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  const LIGHT_COLOURS = { red: "#d32f2f", yellow: "#f9a825", green: "#2e7d32", none: "#9e9e9e" };
  const LIGHT_NAMES = { red: "红灯", yellow: "黄灯", green: "绿灯", none: "未亮灯" };
  const charts = [];

  function chart(id, option, urls) {
    const element = document.getElementById(id);
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: "canvas" });
    instance.setOption(option);
    if (urls) {
      instance.on("click", function (params) {
        const url = urls[params.dataIndex];
        if (url) window.location.href = url;
      });
    }
    charts.push(instance);
  }

  const data = read("dashboard-charts");
  if (!data) return;
  const barTooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
  const grid = { left: 24, right: 48, top: 32, bottom: 8, containLabel: true };

  chart(
    "chart-stages",
    {
      tooltip: barTooltip,
      grid: grid,
      xAxis: { type: "category", data: data.stages.map((s) => s.name), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: "个", minInterval: 1 },
      series: [{ type: "bar", name: "项目数", data: data.stages.map((s) => s.value), label: { show: true, position: "top" } }],
    },
    data.stages.map((s) => s.url),
  );

  chart(
    "chart-lights",
    {
      tooltip: { trigger: "item", formatter: "{b}：{c} 个（{d}%）" },
      legend: { bottom: 0 },
      series: [
        {
          type: "pie",
          radius: ["35%", "65%"],
          label: { formatter: "{b} {c}" },
          data: data.lights.map((l, i) => ({
            name: l.name,
            value: l.value,
            itemStyle: { color: Object.values(LIGHT_COLOURS)[i] },
          })),
        },
      ],
    },
    data.lights.map((l) => l.url),
  );

  chart(
    "chart-units",
    {
      tooltip: barTooltip,
      grid: grid,
      xAxis: { type: "value", name: "%" },
      yAxis: { type: "category", inverse: true, data: data.units.map((u) => u.name) },
      series: [
        {
          type: "bar",
          name: "年度投资完成率",
          data: data.units.map((u) => (u.value === null ? null : Number(u.value))),
          label: { show: true, position: "right", formatter: "{c}%" },
        },
      ],
    },
    data.units.map((u) => u.url),
  );

  chart("chart-reporting", {
    tooltip: barTooltip,
    legend: { top: 0 },
    grid: Object.assign({}, grid, { top: 32 }),
    xAxis: { type: "category", data: data.reporting.map((r) => r.name), axisLabel: { interval: 0 } },
    yAxis: { type: "value", name: "%", max: 100 },
    series: [
      { type: "bar", name: "完整率", data: data.reporting.map((r) => (r.completeness === null ? null : Number(r.completeness))) },
      { type: "bar", name: "及时率", data: data.reporting.map((r) => (r.timeliness === null ? null : Number(r.timeliness))) },
    ],
  });

  // The map: the office's boundaries (GeoJSON, fetched from the URL the map element names, which
  // the browser keeps until the boundaries change) under the points when supplied, else a plain
  // longitude/latitude scatter. Points: [name, longitude, latitude, light, project page].
  const points = read("dashboard-points") || [];
  function drawMap(element, boundary) {
    const series = Object.keys(LIGHT_COLOURS).map((light) => ({
      type: "scatter",
      name: LIGHT_NAMES[light],
      coordinateSystem: boundary ? "geo" : "cartesian2d",
      symbolSize: 12,
      itemStyle: { color: LIGHT_COLOURS[light] },
      data: points.filter((p) => p[3] === light).map((p) => ({ name: p[0], value: [p[1], p[2]], url: p[4] })),
    }));
    const option = {
      tooltip: { trigger: "item", formatter: (p) => p.name },
      legend: { top: 0 },
      series: series,
    };
    if (boundary) {
      echarts.registerMap("tiaodu-boundary", boundary);
      option.geo = {
        map: "tiaodu-boundary",
        roam: true,
        label: { show: true, fontSize: 11, color: "#888" }, // the townships' names (properties.name)
        itemStyle: { areaColor: "#f5f5f5", borderColor: "#999" },
        emphasis: { itemStyle: { areaColor: "#e8eef5" }, label: { color: "#555" } },
      };
    } else {
      option.grid = grid;
      option.xAxis = { type: "value", name: "经度", scale: true };
      option.yAxis = { type: "value", name: "纬度", scale: true };
    }
    const map = echarts.init(element, null, { renderer: "canvas" });
    map.setOption(option);
    map.on("click", function (params) {
      if (params.data && params.data.url) window.location.href = params.data.url;
    });
    charts.push(map);
  }
  const mapElement = document.getElementById("chart-map");
  if (mapElement) {
    const boundaryUrl = mapElement.dataset.boundaryUrl;
    if (boundaryUrl) {
      fetch(boundaryUrl, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : null))
        .catch(() => null) // unreachable or not GeoJSON: the points still show
        .then((boundary) => drawMap(mapElement, boundary));
    } else {
      drawMap(mapElement, null);
    }
  }

  window.addEventListener("resize", function () {
    charts.forEach((c) => c.resize());
  });
})();
