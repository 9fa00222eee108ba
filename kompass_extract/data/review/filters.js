// Filters of the review index: rows carry data-worst, data-edition and data-year, and the search box keeps rows
// whose text (municipality, report id, kommunkod, source file, ...) holds every word typed; nothing leaves the page.
(function () {
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.reports tr.report"));
  function apply() {
    var want = {};
    ["worst", "edition", "year"].forEach(function (k) { want[k] = form.elements[k].value; });
    var words = form.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var ok = ["worst", "edition", "year"].every(function (k) { return !want[k] || row.dataset[k] === want[k]; })
        && words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById("shown").textContent = shown + " of " + rows.length + " reports shown";
  }
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
