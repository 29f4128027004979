// The command dashboard: draws the 30-day trends with ECharts (served from static/vendor/echarts), then
// asks /api/reports/dashboard/ for fresh figures every data-refresh seconds and redraws the figures,
// the table by area, the alerts and the remarks in place, without reloading the page.
// Configuration comes from data-* attributes of #dashboard: the Content-Security-Policy allows no inline
// script, nor style attributes (ECharts sizes its canvas through the CSSOM, which the policy allows;
// its tooltips are drawn on the canvas, not as HTML with style attributes).
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.echarts) {
    return;
  }
  var config = root.dataset;
  var wall = config.wall === "1";
  var charts = {};

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function shown(value) {
    return value === null || value === undefined ? "—" : String(value);
  }

  // A value that links to the records behind it, or plain text for a rate.
  function linked(value, link) {
    if (!link) {
      return element("span", "", shown(value));
    }
    var anchor = element("a", "", shown(value));
    anchor.href = link;
    return anchor;
  }

  function withWall(url) {
    return wall ? url + "&wall=1" : url;
  }

  function chartOption(days, values) {
    return {
      animation: false,
      backgroundColor: "transparent",
      grid: { left: 40, right: 10, top: 12, bottom: 24 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: {
        type: "category",
        boundaryGap: false,
        data: days.map(function (day) { return day.slice(5); }),
        axisLabel: { hideOverlap: true }
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", data: values, showSymbol: false, areaStyle: { opacity: 0.15 } }]
    };
  }

  function drawCharts(days, trends) {
    trends.forEach(function (trend) {
      var box = root.querySelector('[data-chart="' + trend.code + '"]');
      if (!box) {
        return;
      }
      if (!charts[trend.code]) {
        charts[trend.code] = window.echarts.init(box, wall ? "dark" : null, { renderer: "canvas" });
      }
      charts[trend.code].setOption(chartOption(days, trend.values));
    });
  }

  function updateFigures(figures) {
    figures.forEach(function (figure) {
      var value = root.querySelector('#dashboard-figures [data-code="' + figure.code + '"]');
      if (value) {
        value.replaceChildren(linked(figure.value, figure.link));
      }
      var change = root.querySelector('#dashboard-figures [data-change="' + figure.code + '"]');
      if (change) {
        var text = "—";
        change.classList.remove("dashboard-up", "dashboard-down");
        if (figure.change !== null) {
          if (figure.change > 0) {
            text = "▲ +" + figure.change;
            change.classList.add("dashboard-up");
          } else if (figure.change < 0) {
            text = "▼ " + figure.change;
            change.classList.add("dashboard-down");
          } else {
            text = "= 0";
          }
        }
        change.textContent = text;
        change.title = change.title.replace(/[^:：]*$/, " " + shown(figure.yesterday));
      }
    });
  }

  function tableRow(row, total) {
    var tr = element("tr");
    tr.dataset.area = row.area;
    if (row.status === "missing") {
      tr.className = "table-danger";
    } else if (row.status === "late") {
      tr.className = "table-warning";
    }
    var heading = element("th");
    heading.scope = "row";
    if (total) {
      heading.textContent = config.labelTotal;
    } else {
      var anchor = element("a", "", row.name);
      anchor.href = withWall(row.dashboard);
      heading.appendChild(anchor);
    }
    tr.appendChild(heading);
    var status = element("td", "text-center");
    status.appendChild(element("span", "status-" + (row.status || "none"), row.status_label));
    tr.appendChild(status);
    row.cells.forEach(function (cell) {
      var td = element("td", "text-end" + (cell.alert ? " dashboard-alert" : ""));
      td.dataset.code = cell.code;
      td.appendChild(cell.link ? linked(cell.value, cell.link) : document.createTextNode(shown(cell.value)));
      tr.appendChild(td);
    });
    return tr;
  }

  function updateTable(rows, total) {
    var body = document.getElementById("dashboard-rows");
    body.replaceChildren.apply(body, rows.map(function (row) { return tableRow(row, false); }));
    document.getElementById("dashboard-total").replaceChildren(tableRow(total, true));
  }

  function updateList(id, emptyId, items, render) {
    var list = document.getElementById(id);
    list.replaceChildren.apply(list, items.map(render));
    document.getElementById(emptyId).classList.toggle("d-none", items.length > 0);
  }

  function alertItem(alert) {
    var item = element("li", "list-group-item");
    var anchor = element("a", "", alert.kind + " · " + alert.person);
    anchor.href = alert.url;
    item.append(anchor, " ", element("span", "small text-body-secondary", alert.area + " · " + alert.raised));
    if (alert.overdue) {
      item.append(" ", element("span", "badge text-bg-warning", config.labelOverdue));
    }
    return item;
  }

  function remarkItem(remark) {
    var item = element("li", "list-group-item");
    item.append(
      element("strong", "", remark.name), " ",
      element("span", "small text-body-secondary", remark.date),
      element("br"), remark.remarks
    );
    return item;
  }

  function update(data) {
    updateFigures(data.figures);
    drawCharts(data.days, data.trends);
    updateTable(data.rows, data.total);
    document.getElementById("dashboard-alerts-open").textContent = data.alerts_open;
    document.getElementById("dashboard-alerts-overdue").textContent = data.alerts_overdue;
    updateList("dashboard-alerts", "dashboard-no-alerts", data.alerts, alertItem);
    updateList("dashboard-remarks", "dashboard-no-remarks", data.remarks, remarkItem);
    var time = document.getElementById("dashboard-time");
    time.textContent = new Date().toTimeString().slice(0, 8);
    time.dateTime = new Date().toISOString();
  }

  function poll() {
    fetch(config.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(update)
      .catch(function () {
        // Kept as it was (the time shows how old it is); the next poll tries again.
      })
      .then(function () {
        window.setTimeout(poll, Number(config.refresh) * 1000);
      });
  }

  var first = JSON.parse(config.trends);
  drawCharts(first.days, first.trends);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (code) { charts[code].resize(); });
  });
  window.setTimeout(poll, Number(config.refresh) * 1000);
})();
