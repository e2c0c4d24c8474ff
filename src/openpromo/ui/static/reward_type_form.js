// The reward type form shows only the fields its category uses: the currency for amounts,
// the unit name for units. The other field is hidden and disabled (so it is not sent).
// Without JavaScript both fields stay visible and the server says which one applies.
(function () {
  function sync(form) {
    var category = form.querySelector("select[name=category]");
    if (!category) return;
    form.querySelectorAll("[data-applies-to]").forEach(function (box) {
      var applies = box.getAttribute("data-applies-to") === category.value;
      box.hidden = !applies;
      box.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !applies;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("reward-type-form");
    if (!form) return;
    sync(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "category") sync(form);
    });
  });
})();
