// The guided promotion flow: repeatable rows (cloned from <template>), the constraint mode
// switch, the audience-selection fields, the promocode type's fields, and each limit in words.
(function () {
  "use strict";

  function windowWords(form) {
    try { return JSON.parse(form.dataset.windowWords || "{}"); } catch (e) { return {}; }
  }

  function num(text) {
    var t = (text || "").trim();
    if (!/^\d+(\.\d+)?$/.test(t)) return t;
    var parts = t.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }

  function value(row, role) {
    var el = row.querySelector('[data-role="' + role + '"]');
    return el ? el.value.trim() : "";
  }

  // Mirrors ui/describe.py: the same sentences the server renders.
  function words(row, ww) {
    var w = ww[value(row, "window")] || "";
    var kind = row.dataset.kind;
    if (kind === "pc") {
      var parts = [];
      var g = value(row, "max_grants"), v = value(row, "max_value");
      if (g) parts.push(num(g) + (g === "1" ? " grant" : " grants"));
      if (v) parts.push(num(v) + " " + row.dataset.unit);
      if (!parts.length) return "Enter a max value, a max number of grants, or both.";
      return "at most " + parts.join(" and ") + " per customer " + w;
    }
    if (kind === "cap") {
      var n = value(row, "limit");
      return n ? "at most " + num(n) + (n === "1" ? " customer " : " customers ") + w : "";
    }
    if (kind === "rb") {
      var limit = value(row, "limit");
      if (!limit) return "";
      var select = row.querySelector('[data-role="reward_type"]');
      var option = select && select.selectedOptions[0];
      var unit = option ? option.dataset.unit || option.value : "";
      var tail = value(row, "on_exceed") === "truncate"
        ? "; a reward that would go over is cut down to what is left"
        : "; a reward that would go over is not granted at all";
      return "at most " + num(limit) + " " + unit + " given out " + w + tail;
    }
    return null;
  }

  function refresh(row, ww) {
    var out = row.querySelector("output.words");
    if (!out) return;
    var text = words(row, ww);
    if (text !== null) out.textContent = text;
  }

  function setUp(form) {
    var ww = windowWords(form);
    form.addEventListener("input", function (e) {
      var row = e.target.closest(".flow-row");
      if (row) refresh(row, ww);
    });
    form.addEventListener("change", function (e) {
      var row = e.target.closest(".flow-row");
      if (row) refresh(row, ww);
      if (e.target.name && /\.mode$/.test(e.target.name)) mode(e.target.closest(".rt-limits"));
      if (e.target.id === "selection-method") selection(form);
    });
    form.addEventListener("click", function (e) {
      var add = e.target.closest("button.add-row");
      if (add) {
        var template = document.getElementById(add.dataset.template);
        var target = document.getElementById(add.dataset.target);
        var row = template.content.firstElementChild.cloneNode(true);
        target.appendChild(row);
        refresh(row, ww);
        var first = row.querySelector("input, select");
        if (first) first.focus();
        return;
      }
      var remove = e.target.closest("button.remove-row");
      if (remove) {
        var gone = remove.closest(".flow-row");
        var rows = gone.parentElement;
        gone.remove();
        // The focus goes to the list's own "Add" button rather than back to the page top.
        var addButton = document.querySelector('button.add-row[data-target="' + rows.id + '"]');
        if (addButton) addButton.focus();
        return;
      }
      var forget = e.target.closest("button.remove-section");
      if (forget) {
        var section = document.getElementById(forget.dataset.section);
        var radio = section.querySelector('input[value="default"]');
        if (radio) { radio.checked = true; mode(section); }
        section.querySelectorAll("input, select").forEach(function (el) {
          if (el.type !== "hidden" && el.type !== "radio") el.disabled = true;
        });
        section.querySelector('input[name="rc_type"]').remove();
        section.hidden = true;
      }
    });
    form.querySelectorAll(".rt-limits").forEach(mode);
    selection(form);
  }

  function mode(section) {
    if (!section) return;
    var own = section.querySelector('input[value="own"]');
    section.classList.toggle("uses-defaults", !(own && own.checked));
  }

  function selection(form) {
    var method = form.querySelector("#selection-method");
    var row = method && method.closest(".selection");
    if (row) row.classList.toggle("by-attribute", method.value === "attribute");
  }

  function promocodeType() {
    var select = document.getElementById("code-type");
    if (!select) return;
    function apply() {
      document.querySelectorAll("#create-code-form [data-types]").forEach(function (el) {
        var fits = el.dataset.types.split(" ").indexOf(select.value) >= 0;
        el.hidden = !fits;
        el.querySelectorAll("input, select").forEach(function (input) { input.disabled = !fits; });
      });
    }
    select.addEventListener("change", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("limits-form");
    if (form) setUp(form);
    promocodeType();
  });
})();
