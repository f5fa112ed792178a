/* polydoc default theme: sortable tables on the translation status pages
 * (_l10n/). A click on a column heading sorts by that column's data-sort
 * values (numbers as numbers), again to reverse. Without JavaScript the
 * tables stay in their built order. */
(function () {
  "use strict";

  function value(row, i) {
    var cell = row.cells[i];
    var v = cell ? cell.getAttribute("data-sort") || cell.textContent : "";
    var n = Number(v);
    return v !== "" && !isNaN(n) ? n : v.toLowerCase();
  }

  function sort(table, th, i) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var k = 0; k < heads.length; k++) {
      heads[k].setAttribute("aria-sort", "none");
    }
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, i);
      var y = value(b, i);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return asc ? c : -c;
    });
    rows.forEach(function (r) {
      body.appendChild(r);
    });
  }

  function init() {
    var tables = document.querySelectorAll("table.l10n-sortable");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = table.tHead ? table.tHead.rows[0].cells : [];
      Array.prototype.forEach.call(heads, function (th, i) {
        var b = th.querySelector("button");
        if (b) {
          b.addEventListener("click", function () {
            sort(table, th, i);
          });
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
