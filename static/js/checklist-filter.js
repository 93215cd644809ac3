// Search-as-you-type over a server-rendered checkbox list ([data-checklist]). Without JavaScript the full list
// is shown and works as it is; this only hides what does not match and counts what is chosen.
(function () {
  "use strict";
  function norm(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("[data-checklist]").forEach(function (list) {
    var input = list.querySelector("[data-checklist-search]");
    if (!input) return;
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-checklist-item]"));
    var headings = list.querySelectorAll("[data-checklist-heading]");
    var counter = list.querySelector("[data-checklist-count]");
    var empty = list.querySelector("[data-checklist-empty]");
    list.querySelector("[data-checklist-search-wrap]").hidden = false;

    function count() {
      counter.textContent = items.filter(function (item) { return item.querySelector("input").checked; }).length;
    }
    function filter() {
      var query = norm(input.value.trim());
      var shown = 0;
      items.forEach(function (item) {
        // Chosen entries stay visible, so the manager always sees what is selected.
        var match = !query || norm(item.textContent).indexOf(query) !== -1 || item.querySelector("input").checked;
        item.hidden = !match;
        if (match) shown++;
      });
      headings.forEach(function (heading) {
        var group = heading.getAttribute("data-checklist-heading");
        heading.hidden = !list.querySelector('[data-group="' + group + '"]:not([hidden])');
      });
      empty.hidden = shown !== 0;
    }
    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      // Enter picks the single unchosen match instead of submitting the whole form.
      if (event.key !== "Enter") return;
      event.preventDefault();
      var open = items.filter(function (item) { return !item.hidden && !item.querySelector("input").checked; });
      if (open.length === 1) {
        open[0].querySelector("input").checked = true;
        input.value = "";
        filter();
        count();
      }
    });
    list.addEventListener("change", count);
    count();
  });
})();
