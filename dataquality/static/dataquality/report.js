// The report's few interactions: filter the anomalies, sort tables by a column, open a linked column.
// Everything is readable without it.
(function () {
  "use strict";

  function filterAnomalies(form) {
    var severities = Array.prototype.filter.call(form.elements.severity.length ? form.elements.severity : [form.elements.severity],
      function (box) { return box.checked; }).map(function (box) { return box.value; });
    var type = form.elements.type.value;
    var table = form.elements.table.value;
    var section = form.closest("section");
    var rows = section.querySelectorAll("tr.anomaly");
    var shown = 0;
    rows.forEach(function (row) {
      var visible = severities.indexOf(row.dataset.severity) !== -1 &&
        (!type || row.dataset.type === type) && (!table || row.dataset.table === table);
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    section.querySelectorAll("[data-severity-group]").forEach(function (group) {
      group.hidden = !group.querySelector("tr.anomaly:not([hidden])");
    });
    section.querySelector(".no-match").hidden = shown > 0;
    form.querySelector(".filter-count").textContent = shown + " of " + rows.length + " shown";
  }

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    if (!numeric) { return raw.toLowerCase(); }
    var number = parseFloat(raw);
    return isNaN(number) ? null : number;
  }

  function sortBy(header) {
    var table = header.closest("table");
    var index = Array.prototype.indexOf.call(header.parentNode.children, header);
    var numeric = header.dataset.sort === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellKey(a, index, numeric), y = cellKey(b, index, numeric);
      if (x === y) { return 0; }
      if (x === null) { return 1; }  // blanks last either way
      if (y === null) { return -1; }
      return (x < y ? -1 : 1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    header.parentNode.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); }
  }

  // Each metric's meaning is written once, in the glossary; hovering a metric shows it.
  function addMeanings() {
    var meanings = {};
    document.querySelectorAll("[data-meaning-of]").forEach(function (entry) {
      meanings[entry.dataset.meaningOf] = entry.querySelector("dt").textContent + ": " + entry.querySelector("dd").textContent;
    });
    document.querySelectorAll("[data-metric]").forEach(function (metric) {
      var meaning = meanings[metric.dataset.metric];
      if (meaning) { metric.title = meaning; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    addMeanings();
    var form = document.getElementById("anomaly-filters");
    if (form) {
      form.addEventListener("change", function () { filterAnomalies(form); });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    }
    document.querySelectorAll("table.sortable th[data-sort]").forEach(function (header) {
      header.addEventListener("click", function () { sortBy(header); });
    });
    window.addEventListener("hashchange", openTarget);
    openTarget();
  });
})();
