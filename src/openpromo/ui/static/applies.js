// Forms that show only the fields that apply to a choice: a form marked
// data-applies-by="<field name>" (the choice: a select or radio buttons) hides, and disables
// so that they are not sent, the boxes marked data-applies-to="<value> <value>…" whose list
// does not hold the chosen value. Without JavaScript every box stays visible, labelled with
// what it applies to, and the server ignores the fields that do not apply.
(function () {
  function chosen(form, name) {
    var checked = form.querySelector("input[name='" + name + "']:checked");
    if (checked) return checked.value;
    var select = form.querySelector("select[name='" + name + "']");
    return select ? select.value : null;
  }
  function sync(form) {
    var name = form.getAttribute("data-applies-by");
    var value = chosen(form, name);
    if (value === null) return;
    form.querySelectorAll("[data-applies-to]").forEach(function (box) {
      var applies = box.getAttribute("data-applies-to").split(" ").indexOf(value) >= 0;
      box.hidden = !applies;
      box.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !applies;
      });
    });
    // The "(applies to …)" notes are for pages without JavaScript.
    form.querySelectorAll(".applies-note").forEach(function (note) {
      note.hidden = true;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-applies-by]").forEach(function (form) {
      sync(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === form.getAttribute("data-applies-by")) sync(form);
      });
    });
  });
})();
