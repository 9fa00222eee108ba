// Filters of the review index: rows carry data-worst, data-edition and data-year; nothing leaves the page.
(function () {
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.reports tr.report"));
  function apply() {
    var want = {};
    ["worst", "edition", "year"].forEach(function (k) { want[k] = form.elements[k].value; });
    var shown = 0;
    rows.forEach(function (row) {
      var ok = ["worst", "edition", "year"].every(function (k) { return !want[k] || row.dataset[k] === want[k]; });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById("shown").textContent = shown + " of " + rows.length + " reports shown";
  }
  form.addEventListener("change", apply);
  apply();
})();
