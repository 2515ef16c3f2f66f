// A long list of deputies (附议代表): a box above it keeps only the names that contain what is
// typed; chosen names stay chosen (and shown) whatever the filter.
(function () {
  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = select.dataset.filter;
    box.className = "s-pick-filter";
    box.setAttribute("aria-label", select.dataset.filter);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = words !== "" && !option.selected && option.text.indexOf(words) === -1;
      });
    });
  });
})();
