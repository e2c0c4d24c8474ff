// openpromo tier builder (the tiers step of the guided flow, ui/tier_builder.py).
//
// The builder's model IS the API's tiers JSON: the page hands over the stored tiers, every
// control edits that JSON in place (a value only when the user changes it, so whatever the
// API stored comes back unchanged), and the hidden "tiers" field always holds
// JSON.stringify(model). Save posts that field to set_tiers; a 422 comes back with the API's
// errors[].loc, which are placed next to the element carrying the same data-loc.
// Money never touches a float: previews use BigInt decimal arithmetic.
(function () {
  "use strict";

  var cfgNode = document.getElementById("builder-config");
  if (!cfgNode) return;
  var cfg = JSON.parse(cfgNode.textContent);
  var builderEl = document.getElementById("builder");
  var hidden = document.getElementById("tiers-json");
  var jsonView = document.getElementById("json-view");
  var jsonEditor = document.getElementById("tiers-json-editor");
  var viewBuilderBtn = document.getElementById("view-builder");
  var viewJsonBtn = document.getElementById("view-json");
  var form = document.getElementById("tiers-form");
  var dirtyNote = document.getElementById("dirty-note");

  var READONLY = !!cfg.readonly;
  var PROPS = {};
  cfg.properties.forEach(function (p) { PROPS[p.ref] = p; });
  var RTYPES = {};
  cfg.rewardTypes.forEach(function (r) { RTYPES[r.key] = r; });

  var OPS = {
    integer: ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists", "missing"],
    decimal: ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists", "missing"],
    date: ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists", "missing"],
    datetime: ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists", "missing"],
    string: ["eq", "ne", "in", "not_in", "contains", "starts_with", "ends_with", "exists", "missing"],
    boolean: ["eq", "ne", "exists", "missing"],
    string_list: ["contains", "contains_any", "contains_all", "is_empty", "exists", "missing"]
  };
  var WORDS = {
    eq: "is", ne: "is not", gt: "is more than", gte: "is at least", lt: "is less than",
    lte: "is at most", between: "is between", "in": "is one of", not_in: "is not one of",
    contains: "contains", contains_any: "includes any of", contains_all: "includes all of",
    starts_with: "starts with", ends_with: "ends with", is_empty: "is empty",
    exists: "is set", missing: "is not set"
  };
  var TIME_WORDS = { gt: "is after", gte: "is on or after", lt: "is before", lte: "is on or before" };
  var LIST_WORDS = { contains: "includes" };
  var TYPE_WORDS = {
    string: "text", integer: "whole number", decimal: "number", boolean: "yes/no",
    date: "date", datetime: "date & time", string_list: "list of text"
  };
  var SCOPE_WORDS = { session: "Session", customer: "Customer", promotion: "Promotion", context: "Built-in (context)" };

  function opWords(op, type) {
    if ((type === "date" || type === "datetime") && TIME_WORDS[op]) return TIME_WORDS[op];
    if (type === "string_list" && LIST_WORDS[op]) return LIST_WORDS[op];
    return WORDS[op] || op;
  }
  function shapeOf(op) {
    if (op === "exists" || op === "missing" || op === "is_empty") return "none";
    if (op === "between") return "pair";
    if (op === "in" || op === "not_in" || op === "contains_any" || op === "contains_all") return "list";
    return "scalar";
  }

  // --- state ------------------------------------------------------------------------------
  var state = { tiers: [], view: "builder", errors: cfg.errors || {}, samples: {}, focus: null };
  var initialText = JSON.stringify(cfg.tiers);

  function isObj(x) { return x !== null && typeof x === "object" && !Array.isArray(x); }
  function isGroup(n) { return isObj(n) && ("all" in n || "any" in n); }
  function isNot(n) { return isObj(n) && "not" in n; }
  function groupKind(n) { return "all" in n ? "all" : "any"; }

  function getAt(path) {
    var node = { tiers: state.tiers };
    for (var i = 0; i < path.length; i++) node = node == null ? undefined : node[path[i]];
    return node;
  }
  function setAt(path, value) {
    var parent = getAt(path.slice(0, -1));
    var key = path[path.length - 1];
    if (value === undefined) delete parent[key]; else parent[key] = value;
  }
  function removeAt(path) {
    var parent = getAt(path.slice(0, -1));
    var key = path[path.length - 1];
    if (Array.isArray(parent)) parent.splice(key, 1); else delete parent[key];
  }
  function loc(path) { return path.join("."); }

  // --- decimals (strings in, strings out; BigInt inside) -----------------------------------
  var DEC_RE = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d{1,4}))?$/;

  // The canonical form the API stores (openpromo.rules.literals.decimal_to_json), or null.
  function canonDecimal(text) {
    var m = DEC_RE.exec(text);
    if (!m || text.length > 64) return null;
    var neg = m[1] === "-";
    var intp = m[2] !== undefined ? m[2] : "";
    var frac = m[3] !== undefined ? m[3] : (m[4] !== undefined ? m[4] : "");
    var exp = parseInt(m[5] || "0", 10) - frac.length;
    var digits = (intp + frac).replace(/^0+/, "");
    if (digits === "") {
      if (exp > 0) return "0";
      return exp === 0 ? "0" : "0." + "0".repeat(-exp);
    }
    if (digits.length + exp - 1 >= 30 || exp < -18) return null;
    var out;
    if (exp >= 0) out = digits + "0".repeat(exp);
    else if (digits.length > -exp) out = digits.slice(0, digits.length + exp) + "." + digits.slice(digits.length + exp);
    else out = "0." + "0".repeat(-exp - digits.length) + digits;
    return (neg ? "-" : "") + out;
  }
  function canonInteger(text) {
    if (!/^[+-]?\d{1,30}$/.test(text)) return null;
    return BigInt(text).toString();
  }
  function parseDec(text) {  // {n: BigInt, s: scale} or null
    var c = canonDecimal(String(text).trim());
    if (c === null) return null;
    var neg = c[0] === "-";
    if (neg) c = c.slice(1);
    var dot = c.indexOf(".");
    var s = dot < 0 ? 0 : c.length - dot - 1;
    var n = BigInt(c.replace(".", ""));
    return { n: neg ? -n : n, s: s };
  }
  function pow10(k) { return BigInt(10) ** BigInt(k); }
  function scaleTo(d, s) { return d.s >= s ? d.n / pow10(d.s - s) : d.n * pow10(s - d.s); }
  function cmpDec(a, b) { var s = Math.max(a.s, b.s); var x = scaleTo(a, s), y = scaleTo(b, s); return x < y ? -1 : x > y ? 1 : 0; }
  // Round a non-negative decimal to `places` with the reward type's rounding.
  function roundDec(d, places, mode) {
    if (d.s <= places) return { n: d.n * pow10(places - d.s), s: places };
    var div = pow10(d.s - places);
    var q = d.n / div, r = d.n % div;
    if (r !== BigInt(0)) {
      if (mode === "up") q += BigInt(1);
      else if (mode === "half_up" && r * BigInt(2) >= div) q += BigInt(1);
      else if (mode === "half_even" && (r * BigInt(2) > div || (r * BigInt(2) === div && q % BigInt(2) === BigInt(1)))) q += BigInt(1);
    }
    return { n: q, s: places };
  }
  function fmtDec(d) {
    var neg = d.n < BigInt(0);
    var digits = (neg ? -d.n : d.n).toString();
    if (d.s > 0) {
      digits = digits.padStart(d.s + 1, "0");
      digits = digits.slice(0, digits.length - d.s) + "." + digits.slice(digits.length - d.s);
    }
    return (neg ? "-" : "") + digits;
  }

  // The formula's result for a sample value, as validation computes it before reward
  // constraints and budgets: formula → round → min/max clamp (openpromo.rules.formulas).
  function preview(value, rt, sampleText) {
    var places = rt ? rt.decimals : 0, mode = rt ? rt.rounding : "down";
    var kind = "fixed" in value ? "fixed" : "percent" in value ? "percent" : "per" in value ? "per" : null;
    if (!kind) return null;
    var result;
    if (kind === "fixed") {
      var f = parseDec(value.fixed == null ? "" : String(value.fixed));
      if (!f) return null;
      result = roundDec(f, places, mode);
    } else {
      var base = parseDec(sampleText);
      if (!base) return null;
      if (base.n < BigInt(0)) base = { n: BigInt(0), s: 0 };
      if (kind === "percent") {
        var p = parseDec(value.percent == null ? "" : String(value.percent));
        if (!p) return null;
        result = roundDec({ n: base.n * p.n, s: base.s + p.s + 2 }, places, mode);
      } else {
        var step = parseDec(value.per == null ? "" : String(value.per));
        var each = parseDec(value.value == null ? "" : String(value.value));
        if (!step || !each || step.n <= BigInt(0)) return null;
        var s = Math.max(base.s, step.s);
        var times = scaleTo(base, s) / scaleTo(step, s);
        result = roundDec({ n: times * each.n, s: each.s }, places, mode);
      }
    }
    var low = value.min != null ? parseDec(String(value.min)) : null;
    var high = value.max != null ? parseDec(String(value.max)) : null;
    if (low && cmpDec(result, low) < 0) result = roundDec(low, places, "down");
    if (high && cmpDec(result, high) > 0) result = roundDec(high, places, "down");
    return fmtDec(result);
  }

  // --- datetimes in the tenant's timezone ---------------------------------------------------
  var TZ = cfg.timezone || "UTC";
  var dtf = new Intl.DateTimeFormat("en-US", {
    timeZone: TZ, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit"
  });
  function wallParts(ms) {
    var parts = {};
    dtf.formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }
  function offsetAt(ms) {  // minutes east of UTC in TZ at instant ms
    var p = wallParts(ms);
    var asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
  }
  // "2026-12-01T10:00[:00]" (wall time in TZ) → "2026-12-01T10:00:00+01:00", as Python's
  // isoformat writes it. A wall time that happens twice (clocks going back) is the first
  // one; one that does not exist (clocks going forward) is read with the offset before the
  // change, so 02:30 becomes 03:30 — as Python's zoneinfo does with fold=0.
  function wallToIso(wall) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
    if (!m) return null;
    var asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    var day = 86400000;
    var before = offsetAt(asUtc - day), after = offsetAt(asUtc + day);
    var text = wall.length === 16 ? wall + ":00" : wall;
    function fits(off) {
      var p = wallParts(asUtc - off * 60000);
      return p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute + ":" + p.second === text;
    }
    var off = fits(before) ? before : fits(after) ? after : before;
    var instant = asUtc - off * 60000;
    var real = offsetAt(instant);
    var p = wallParts(instant);
    var sign = real < 0 ? "-" : "+", a = Math.abs(real);
    var hh = String(Math.floor(a / 60)).padStart(2, "0"), mm = String(a % 60).padStart(2, "0");
    return p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute + ":" + p.second + sign + hh + ":" + mm;
  }
  function isoToWall(iso) {
    if (typeof iso !== "string") return null;
    var ms = Date.parse(iso);
    if (isNaN(ms) || !/([zZ]|[+-]\d{2}:?\d{2})$/.test(iso)) return null;
    var p = wallParts(ms);
    return p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute + ":" + p.second;
  }

  // --- DOM helper ---------------------------------------------------------------------------
  var uid = 0;
  function h(tag, props) {
    var el = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (v === undefined || v === null || v === false) return;
      if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else if (k === "value") el.value = v;
      else if (k === "checked" || k === "selected" || k === "disabled" || k === "hidden") el[k] = !!v;
      else el.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) el.appendChild(typeof x === "string" ? document.createTextNode(x) : x); });
      else el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }
  function button(text, props) {
    props = props || {};
    props.type = "button";
    if (READONLY) props.disabled = true;
    return h("button", props, text);
  }

  // --- what the builder cannot show ---------------------------------------------------------
  function scalarProblem(type, v, prop) {
    if (v === undefined || v === null) return null;
    if (typeof v === "object") return "a value that is a list or an object where one value is expected";
    if (type === "boolean") return typeof v === "boolean" ? null : "a yes/no value that is not true or false";
    if (typeof v === "boolean") return "a true/false value on a " + TYPE_WORDS[type] + " property";
    var text = String(v);
    if (type === "integer" && canonInteger(text) === null) return "a whole number the number box cannot show (" + text + ")";
    if (type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(text)) return "a date the date box cannot show (" + text + ")";
    if (type === "datetime" && isoToWall(text) === null) return "a date-time the date box cannot show (" + text + ")";
    if ((type === "string" || type === "string_list") && /[\r\n]/.test(text) && prop) return "a text value with a line break";
    return null;
  }
  function conditionProblem(node) {
    if (!isObj(node)) return "a part of the condition is not a condition object";
    var keys = Object.keys(node);
    if (isGroup(node) || isNot(node)) {
      if (keys.length !== 1) return "a part of the condition mixes " + keys.join(", ");
      if (isNot(node)) return conditionProblem(node.not);
      var items = node[keys[0]];
      if (!Array.isArray(items)) return "an “" + keys[0] + "” that is not a list";
      for (var i = 0; i < items.length; i++) { var p = conditionProblem(items[i]); if (p) return p; }
      return null;
    }
    for (var k = 0; k < keys.length; k++) {
      if (["property", "op", "value"].indexOf(keys[k]) < 0) return "a rule with an unknown field “" + keys[k] + "”";
    }
    var prop = PROPS[node.property];
    if (!prop) return "a rule on “" + node.property + "”, which is not in the tenant's schemas";
    if (OPS[prop.type].indexOf(node.op) < 0) return "the operator “" + node.op + "”, which does not apply to " + TYPE_WORDS[prop.type] + " property " + node.property;
    var shape = shapeOf(node.op), v = node.value;
    if (shape === "none") return v === undefined || v === null ? null : "a value on “" + opWords(node.op, prop.type) + "”, which takes none";
    if (shape === "scalar") return scalarProblem(prop.type === "string_list" ? "string" : prop.type, v, prop);
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) return "a single value where a list is expected";
    if (shape === "pair" && v.length !== 2) return "“between” with " + v.length + " values";
    for (var j = 0; j < v.length; j++) {
      var q = scalarProblem(prop.type === "string_list" ? "string" : prop.type, v[j], prop);
      if (q) return q;
    }
    return null;
  }

  // --- rendering ----------------------------------------------------------------------------
  function render() {
    var focusKey = state.focus || (document.activeElement && document.activeElement.getAttribute("data-fk"));
    state.focus = null;
    builderEl.replaceChildren(renderTiers());
    sync();
    placeErrors();
    if (focusKey) {
      var target = builderEl.querySelector('[data-fk="' + CSS.escape(focusKey) + '"]');
      if (target) target.focus();
    }
  }

  function changed(structural) {
    if (structural) { state.errors = {}; render(); } else sync();
  }

  function sync() {
    var text = state.view === "json" ? jsonEditor.value : JSON.stringify(state.tiers);
    hidden.value = text;
    if (dirtyNote) {
      var same = text === initialText;
      if (!same && state.view === "json") {
        try { same = JSON.stringify(JSON.parse(text)) === initialText; } catch (e) { same = false; }
      }
      dirtyNote.textContent = same ? "" : "Unsaved changes.";
    }
  }

  function renderTiers() {
    var wrap = h("div", { "data-loc": "tiers", "class": "tb-tiers-wrap" });
    var list = h("ol", { "class": "tb-tiers", id: "tier-list" });
    state.tiers.forEach(function (tier, i) { list.appendChild(renderTier(tier, i)); });
    if (!state.tiers.length) {
      wrap.appendChild(h("p", { "class": "tb-empty" }, "No tiers yet. A promotion needs at least one tier to be activated."));
    }
    wrap.appendChild(list);
    if (!READONLY) {
      wrap.appendChild(button("+ Add tier", { "class": "tb-add-tier", id: "add-tier", "data-fk": "add-tier", onclick: addTier }));
    }
    return wrap;
  }

  function newTierId() {
    var taken = {};
    state.tiers.forEach(function (t) { if (isObj(t) && t.id) taken[t.id] = true; });
    var n = state.tiers.length + 1;
    while (taken["tier-" + n]) n++;
    return "tier-" + n;
  }
  function firstRewardType() {
    var live = cfg.rewardTypes.filter(function (r) { return r.status !== "archived"; });
    return live.length ? live[0].key : null;
  }
  function addTier() {
    state.tiers.push({ id: newTierId(), name: null, condition: { all: [] }, rewards: [{ reward_type: firstRewardType(), value: { fixed: null } }] });
    state.focus = "tier-name-" + (state.tiers.length - 1);
    changed(true);
  }
  function moveTier(from, to) {
    if (to < 0 || to >= state.tiers.length || from === to) return;
    var t = state.tiers.splice(from, 1)[0];
    state.tiers.splice(to, 0, t);
    changed(true);
  }

  function tierLabel(tier, i) {
    var name = isObj(tier) && tier.name ? tier.name : isObj(tier) && tier.id ? tier.id : "";
    return "tier " + (i + 1) + (name ? " “" + name + "”" : "");
  }

  var dragFrom = null;
  function renderTier(tier, i) {
    var path = ["tiers", i];
    var card = h("li", { "class": "tb-tier card", "data-loc": loc(path), "data-index": i, "aria-label": "Tier " + (i + 1) });
    if (!isObj(tier)) {
      card.appendChild(h("p", { "class": "tb-note" }, "Tier " + (i + 1) + " is not a tier object; fix it in the JSON view."));
      return card;
    }
    var handle = h("span", {
      "class": "tb-handle", draggable: READONLY ? "false" : "true", title: "Drag to reorder",
      "aria-hidden": "true", "data-handle": i
    }, "⠿");
    if (!READONLY) {
      handle.addEventListener("dragstart", function (e) {
        dragFrom = i;
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", String(i));
        card.classList.add("dragging");
      });
      handle.addEventListener("dragend", function () { card.classList.remove("dragging"); });
      card.addEventListener("dragover", function (e) { if (dragFrom !== null) { e.preventDefault(); card.classList.add("drop"); } });
      card.addEventListener("dragleave", function () { card.classList.remove("drop"); });
      card.addEventListener("drop", function (e) {
        e.preventDefault();
        var from = dragFrom !== null ? dragFrom : parseInt(e.dataTransfer.getData("text/plain"), 10);
        dragFrom = null;
        moveTier(from, i);
      });
    }
    var nameInput = h("input", {
      type: "text", value: tier.name == null ? "" : String(tier.name), placeholder: "e.g. High depositors",
      "data-fk": "tier-name-" + i, readonly: READONLY, "class": "tb-tier-name",
      oninput: function (e) { tier.name = e.target.value === "" ? null : e.target.value; changed(false); }
    });
    var idInput = h("input", {
      type: "text", value: tier.id == null ? "" : String(tier.id), "data-fk": "tier-id-" + i, readonly: READONLY,
      "class": "tb-tier-id", spellcheck: "false", autocomplete: "off",
      oninput: function (e) { if (e.target.value === "") delete tier.id; else tier.id = e.target.value; changed(false); }
    });
    var label = tierLabel(tier, i);
    var head = h("div", { "class": "tb-tier-head" },
      READONLY ? null : handle,
      h("span", { "class": "tb-rank", title: "Tried in this order" }, String(i + 1)),
      h("label", { "class": "field tb-name", "data-loc": loc(path.concat("name")) }, h("span", {}, "Tier name"), nameInput),
      h("label", { "class": "field tb-id", "data-loc": loc(path.concat("id")) }, h("span", {}, "Id"), idInput),
      READONLY ? null : h("div", { "class": "tb-tier-tools" },
        button("↑", { "aria-label": "Move " + label + " up", title: "Move up", disabled: i === 0, "data-fk": "up-" + i,
          onclick: function () { state.focus = i - 1 === 0 ? "down-0" : "up-" + (i - 1); moveTier(i, i - 1); } }),
        button("↓", { "aria-label": "Move " + label + " down", title: "Move down", disabled: i === state.tiers.length - 1, "data-fk": "down-" + i,
          onclick: function () { state.focus = i + 1 === state.tiers.length - 1 ? "up-" + (i + 1) : "down-" + (i + 1); moveTier(i, i + 1); } }),
        button("Remove", { "class": "danger", "aria-label": "Remove " + label,
          onclick: function () { if (window.confirm("Remove " + label + "?")) { state.tiers.splice(i, 1); state.focus = "add-tier"; changed(true); } } })
      )
    );
    card.appendChild(head);
    card.appendChild(h("h2", { "class": "tb-sub" }, i === 0 ? "Customers get this tier when…" : "…otherwise, customers get this tier when…"));
    card.appendChild(renderCondition(tier, path));
    card.appendChild(h("h2", { "class": "tb-sub" }, "…and then they get"));
    card.appendChild(renderRewards(tier, path));
    return card;
  }

  // Condition of one tier: the root group (or a bare rule / NOT at the root).
  function renderCondition(tier, tierPath) {
    var path = tierPath.concat("condition");
    var box = h("div", { "class": "tb-condition", "data-loc": loc(path) });
    var cond = tier.condition;
    if (cond !== undefined && cond !== null) {
      var problem = conditionProblem(cond);
      if (problem) {
        box.appendChild(h("p", { "class": "tb-note", role: "note", "data-readonly-condition": "" },
          "This condition can't be shown in the builder: it has " + problem + ". It is kept exactly as it is when you save; change it in the “Advanced: JSON” view."));
        box.appendChild(h("pre", { "class": "json tb-readonly-json" }, JSON.stringify(cond, null, 2)));
        return box;
      }
    }
    if (cond === undefined || cond === null || (isGroup(cond))) {
      var group = cond === undefined || cond === null ? { all: [] } : cond;
      box.appendChild(renderGroup(group, path, path, false, true, function () { tier.condition = group; }));
      return box;
    }
    // A single rule or a NOT at the root: shown as it is; adding wraps it in "All of".
    var single = h("div", { "class": "tb-group tb-root" });
    single.appendChild(renderNode(cond, path, true));
    var plainNode = cond;
    while (isNot(plainNode)) plainNode = plainNode.not;
    if (!READONLY && !isGroup(plainNode)) {
      single.appendChild(h("div", { "class": "tb-group-tools" },
        button("+ Rule", { onclick: function () { tier.condition = { all: [cond, newRule()] }; changed(true); } }),
        button("+ Group", { onclick: function () { tier.condition = { all: [cond, { any: [newRule()] }] }; changed(true); } })
      ));
    }
    box.appendChild(single);
    return box;
  }

  function renderNode(node, path, isRoot) {
    if (isNot(node)) {
      var inner = node.not;
      if (isNot(inner)) {
        var box = h("div", { "class": "tb-group tb-negated", "data-loc": loc(path) },
          h("div", { "class": "tb-group-head" }, h("strong", {}, "NOT"),
            notToggle(true, function () { setAt(path, inner); changed(true); }),
            isRoot ? null : removeButton(path, "this NOT")));
        box.appendChild(renderNode(inner, path.concat("not"), false));
        return box;
      }
      return renderPlain(inner, path.concat("not"), path, true, isRoot);
    }
    return renderPlain(node, path, path, false, isRoot);
  }
  function renderPlain(node, path, slot, negated, isRoot) {
    if (isGroup(node)) return renderGroup(node, path, slot, negated, isRoot);
    return renderRule(node, path, slot, negated, isRoot);
  }

  function notToggle(on, toggle) {
    return button("Not", {
      "class": "tb-not" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false",
      title: on ? "Negated: holds when this is NOT true. Click to remove the NOT." : "Negate: hold when this is NOT true",
      onclick: toggle
    });
  }
  function toggleNot(slot, negated) {
    var current = getAt(slot);
    setAt(slot, negated ? current.not : { not: current });
    changed(true);
  }
  function removeButton(slot, what) {
    return button("×", { "class": "tb-x", "aria-label": "Remove " + what, title: "Remove",
      onclick: function () { removeAt(slot); changed(true); } });
  }

  function renderGroup(group, path, slot, negated, isRoot, materialize) {
    var kind = groupKind(group);
    var items = group[kind];
    var el = h("div", { "class": "tb-group" + (negated ? " tb-negated" : "") + (isRoot ? " tb-root" : ""), "data-loc": loc(path) });
    var kindSelect = h("select", {
      "aria-label": "Match all or any of the rules in this group", disabled: READONLY,
      onchange: function (e) {
        var other = e.target.value;
        if (other === kind) return;
        var replacement = {};
        replacement[other] = items;
        if (materialize && !isRoot) materialize();
        setAt(path, replacement);
        changed(true);
      }
    }, h("option", { value: "all", selected: kind === "all" }, "All of"), h("option", { value: "any", selected: kind === "any" }, "Any of"));
    var head = h("div", { "class": "tb-group-head", "data-loc": loc(path.concat(kind)) },
      negated ? h("strong", { "class": "tb-notword" }, "NOT") : null,
      kindSelect,
      h("span", { "class": "muted" }, kind === "all" ? "of these (every one must hold)" : "of these (at least one must hold)"),
      READONLY || (isRoot && !negated && !items.length) ? null : notToggle(negated, function () {
        if (materialize) materialize();
        toggleNot(slot, negated);
      }),
      isRoot || READONLY ? null : removeButton(slot, "this group")
    );
    el.appendChild(head);
    var list = h("div", { "class": "tb-items" });
    if (!items.length) {
      list.appendChild(h("p", { "class": "tb-empty" }, isRoot ? "No conditions: every customer qualifies for this tier." : "Empty group: add a rule."));
    }
    items.forEach(function (child, j) {
      list.appendChild(renderNode(child, path.concat(kind, j), false));
    });
    el.appendChild(list);
    if (!READONLY) {
      el.appendChild(h("div", { "class": "tb-group-tools" },
        button("+ Rule", { "data-fk": "add-rule-" + loc(path), onclick: function () { if (materialize) materialize(); items.push(newRule()); state.focus = "prop-" + loc(path.concat(kind, items.length - 1)); changed(true); } }),
        button("+ Group", { onclick: function () { if (materialize) materialize(); items.push({ any: [newRule()] }); changed(true); } })
      ));
    }
    return el;
  }

  function defaultOp(type) {
    return { integer: "gte", decimal: "gte", date: "gte", datetime: "gte", string: "eq", boolean: "eq", string_list: "contains" }[type];
  }
  function newRule() {
    var first = cfg.properties.filter(function (p) { return p.scope === "session"; })[0] ||
      cfg.properties.filter(function (p) { return p.scope === "customer"; })[0] || cfg.properties[0];
    var rule = { property: first.ref, op: defaultOp(first.type) };
    if (first.type === "boolean") rule.value = true;
    return rule;
  }

  function propertySelect(rule, path) {
    var sel = h("select", { "aria-label": "Property", "data-fk": "prop-" + loc(path), disabled: READONLY, "class": "tb-prop",
      onchange: function (e) {
        var before = PROPS[rule.property];
        var p = PROPS[e.target.value];
        rule.property = p.ref;
        if (!before || before.type !== p.type || JSON.stringify(before.allowed_values) !== JSON.stringify(p.allowed_values)) {
          if (OPS[p.type].indexOf(rule.op) < 0) rule.op = defaultOp(p.type);
          resetValue(rule, p);
        }
        state.focus = "prop-" + loc(path);
        changed(true);
      } });
    ["session", "customer", "promotion", "context"].forEach(function (scope) {
      var props = cfg.properties.filter(function (p) { return p.scope === scope; });
      if (!props.length) return;
      var group = h("optgroup", { label: SCOPE_WORDS[scope] });
      props.forEach(function (p) {
        group.appendChild(h("option", { value: p.ref, selected: p.ref === rule.property, title: p.description || "" },
          p.key + " (" + TYPE_WORDS[p.type] + ")"));
      });
      sel.appendChild(group);
    });
    return sel;
  }
  function resetValue(rule, prop) {
    var shape = shapeOf(rule.op);
    delete rule.value;
    if (shape === "pair") rule.value = [null, null];
    else if (shape === "list") rule.value = [];
    else if (shape === "scalar" && prop.type === "boolean") rule.value = true;
  }

  function renderRule(rule, path, slot, negated, isRoot) {
    var prop = PROPS[rule.property];
    var opSel = h("select", { "aria-label": "Comparison", "data-fk": "op-" + loc(path), disabled: READONLY, "class": "tb-op",
      onchange: function (e) {
        var oldShape = shapeOf(rule.op);
        rule.op = e.target.value;
        if (shapeOf(rule.op) !== oldShape) resetValue(rule, prop);
        state.focus = "op-" + loc(path);
        changed(true);
      } });
    OPS[prop.type].forEach(function (op) {
      opSel.appendChild(h("option", { value: op, selected: op === rule.op }, opWords(op, prop.type)));
    });
    var row = h("div", { "class": "tb-rule" + (negated ? " tb-negated" : ""), "data-loc": loc(path) },
      negated ? h("strong", { "class": "tb-notword" }, "NOT") : null,
      h("span", { "class": "tb-slot", "data-loc": loc(path.concat("property")) }, propertySelect(rule, path)),
      h("span", { "class": "tb-slot", "data-loc": loc(path.concat("op")) }, opSel),
      h("span", { "class": "tb-slot tb-value", "data-loc": loc(path.concat("value")) }, valueEditor(rule, prop, path)),
      READONLY ? null : h("span", { "class": "tb-rule-tools" },
        notToggle(negated, function () { toggleNot(slot, negated); }),
        isRoot ? button("×", { "class": "tb-x", "aria-label": "Remove this rule", title: "Remove",
          onclick: function () { state.tiers[slot[1]].condition = { all: [] }; changed(true); } }) : removeButton(slot, "this rule"))
    );
    return row;
  }

  // One value input fitting the property's type. `get`/`put` read and write the JSON value.
  function scalarInput(prop, get, put, label, fk) {
    var type = prop.type === "string_list" ? "string" : prop.type;
    var current = get();
    var common = { "aria-label": label, "data-fk": fk, disabled: READONLY };
    if (prop.allowed_values && type !== "boolean") {
      var sel = h("select", Object.assign({ onchange: function (e) {
        var v = e.target.value;
        if (v === "") put(undefined); else put(type === "integer" ? v : v);
        changed(false);
      } }, common), h("option", { value: "" }, "— choose —"));
      var seen = false;
      prop.allowed_values.forEach(function (v) {
        var s = String(v);
        if (current != null && String(current) === s) seen = true;
        sel.appendChild(h("option", { value: s, selected: current != null && String(current) === s }, s));
      });
      if (current != null && current !== "" && !seen) sel.appendChild(h("option", { value: String(current), selected: true }, String(current) + " (not an allowed value)"));
      return sel;
    }
    if (type === "boolean") {
      return h("select", Object.assign({ onchange: function (e) {
        put(e.target.value === "" ? undefined : e.target.value === "true");
        changed(false);
      } }, common),
        h("option", { value: "", selected: current !== true && current !== false }, "— choose —"),
        h("option", { value: "true", selected: current === true }, "yes"),
        h("option", { value: "false", selected: current === false }, "no"));
    }
    if (type === "integer") {
      return h("input", Object.assign({ type: "number", step: "1", min: prop.min, max: prop.max, value: current == null ? "" : String(current),
        oninput: function (e) { var t = e.target.value.trim(); put(t === "" ? undefined : (canonInteger(t) || t)); changed(false); } }, common));
    }
    if (type === "decimal") {
      return h("input", Object.assign({ type: "text", inputmode: "decimal", autocomplete: "off", value: current == null ? "" : String(current), "class": "tb-num",
        oninput: function (e) { var t = e.target.value.trim(); put(t === "" ? undefined : (canonDecimal(t) || t)); changed(false); } }, common));
    }
    if (type === "date") {
      return h("input", Object.assign({ type: "date", value: current == null ? "" : String(current),
        oninput: function (e) { put(e.target.value === "" ? undefined : e.target.value); changed(false); } }, common));
    }
    if (type === "datetime") {
      return h("span", { "class": "tb-dt" },
        h("input", Object.assign({ type: "datetime-local", step: "1", value: current == null ? "" : (isoToWall(current) || ""),
          oninput: function (e) { put(e.target.value === "" ? undefined : (wallToIso(e.target.value) || e.target.value)); changed(false); } }, common)),
        h("small", { "class": "muted" }, TZ));
    }
    return h("input", Object.assign({ type: "text", autocomplete: "off", value: current == null ? "" : String(current),
      oninput: function (e) { put(e.target.value); changed(false); } }, common));
  }

  function listItemValue(type, text) {
    if (type === "integer") return canonInteger(text) || text;
    if (type === "decimal") return canonDecimal(text) || text;
    if (type === "datetime") return /T/.test(text) && !/([zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? (wallToIso(text.slice(0, 19)) || text) : text;
    return text;
  }

  function valueEditor(rule, prop, path) {
    var shape = shapeOf(rule.op);
    var fk = "val-" + loc(path);
    if (shape === "none") return h("span", { "class": "muted tb-novalue" }, "");
    if (shape === "scalar") {
      return scalarInput(prop, function () { return rule.value; },
        function (v) { if (v === undefined) delete rule.value; else rule.value = v; }, "Value", fk);
    }
    if (shape === "pair") {
      var end = function (k) {
        return scalarInput(prop, function () { return Array.isArray(rule.value) ? rule.value[k] : undefined; }, function (v) {
          if (!Array.isArray(rule.value)) rule.value = [null, null];
          rule.value[k] = v === undefined ? null : v;
        }, k ? "To" : "From", fk + "-" + k);
      };
      return h("span", { "class": "tb-pair" },
        h("span", { "data-loc": loc(path.concat("value", 0)) }, end(0)),
        h("span", { "class": "muted" }, " and "),
        h("span", { "data-loc": loc(path.concat("value", 1)) }, end(1)));
    }
    // A list of values: checkboxes for allowed values, else one value per line.
    var type = prop.type === "string_list" ? "string" : prop.type;
    var values = Array.isArray(rule.value) ? rule.value : [];
    if (prop.allowed_values) {
      var options = prop.allowed_values.map(String);
      values.forEach(function (v) { if (options.indexOf(String(v)) < 0) options.push(String(v)); });
      var box = h("span", { "class": "tb-checks", role: "group", "aria-label": "Values" });
      options.forEach(function (o, k) {
        var checked = values.some(function (v) { return String(v) === o; });
        box.appendChild(h("label", { "class": "tb-check" }, h("input", { type: "checkbox", value: o, checked: checked, disabled: READONLY, "data-fk": fk + "-" + k,
          onchange: function () {
            var picked = [];
            box.querySelectorAll("input:checked").forEach(function (c) { picked.push(c.value); });
            // Keep the stored items (and their order) that stay picked; add new ones at the end.
            var kept = (Array.isArray(rule.value) ? rule.value : []).filter(function (v) { return picked.indexOf(String(v)) >= 0; });
            picked.forEach(function (p) { if (!kept.some(function (v) { return String(v) === p; })) kept.push(p); });
            rule.value = kept;
            changed(false);
          } }), " " + o + (prop.allowed_values.map(String).indexOf(o) < 0 ? " (not allowed)" : "")));
      });
      return box;
    }
    var placeholder = { date: "2026-12-24", datetime: "2026-12-24T18:00", integer: "1", decimal: "9.99" }[type] || "one value per line";
    return h("span", { "class": "tb-list" },
      h("textarea", { rows: Math.min(Math.max(values.length, 2), 8), "aria-label": "Values, one per line", "data-fk": fk, readonly: READONLY,
        placeholder: placeholder + (placeholder === "one value per line" ? "" : " (one per line)"),
        oninput: function (e) {
          rule.value = e.target.value.split("\n").map(function (s) { return s.trim(); }).filter(function (s) { return s !== ""; })
            .map(function (s) { return listItemValue(type, s); });
          changed(false);
        } }, values.map(function (v) { return type === "datetime" ? (isoToWall(v) || String(v)) : String(v); }).join("\n")),
      h("small", { "class": "muted" }, "one per line" + (type === "datetime" ? ", " + TZ + " time" : "")));
  }

  // --- rewards ------------------------------------------------------------------------------
  var KINDS = [["fixed", "Fixed amount"], ["percent", "Percent of a property"], ["per", "X for every Y of a property"]];
  function numericProps() {
    var order = { session: 0, customer: 1, promotion: 2, context: 3 };
    return cfg.properties.filter(function (p) { return p.type === "integer" || p.type === "decimal"; })
      .sort(function (a, b) { return order[a.scope] - order[b.scope]; });
  }
  function kindOf(value) {
    if (!isObj(value)) return null;
    return "fixed" in value ? "fixed" : "percent" in value ? "percent" : "per" in value ? "per" : null;
  }

  function renderRewards(tier, tierPath) {
    var path = tierPath.concat("rewards");
    var box = h("div", { "class": "tb-rewards", "data-loc": loc(path) });
    var rewards = Array.isArray(tier.rewards) ? tier.rewards : null;
    if (!rewards) {
      box.appendChild(h("p", { "class": "tb-note" }, "No rewards yet."));
      if (!READONLY) box.appendChild(button("+ Reward", { onclick: function () { tier.rewards = [{ reward_type: firstRewardType(), value: { fixed: null } }]; changed(true); } }));
      return box;
    }
    rewards.forEach(function (reward, j) { box.appendChild(renderReward(reward, path.concat(j), rewards)); });
    if (!READONLY) {
      box.appendChild(button("+ Reward", { "class": "tb-add-reward", onclick: function () {
        rewards.push({ reward_type: firstRewardType(), value: { fixed: null } }); changed(true);
      } }));
    }
    return box;
  }

  function numberField(value, key, label, path, opts) {
    opts = opts || {};
    var current = value[key];
    return h("label", { "class": "tb-slot tb-numfield", "data-loc": loc(path.concat(key)) },
      h("span", { "class": "tb-inline-label" }, label),
      h("input", { type: "text", inputmode: "decimal", autocomplete: "off", "class": "tb-num", disabled: READONLY,
        value: current == null ? "" : String(current), placeholder: opts.placeholder || "", "data-fk": "num-" + loc(path.concat(key)),
        oninput: function (e) {
          var t = e.target.value.trim();
          if (t === "") { if (opts.optional) delete value[key]; else value[key] = null; }
          else value[key] = canonDecimal(t) || t;
          changed(false);
          if (opts.onchange) opts.onchange();
        } }),
      opts.suffix ? h("span", { "class": "tb-suffix" }, opts.suffix) : null);
  }

  function renderReward(reward, path, rewards) {
    var row = h("div", { "class": "tb-reward", "data-loc": loc(path) });
    if (!isObj(reward)) { row.appendChild(h("p", { "class": "tb-note" }, "Not a reward object; fix it in the JSON view.")); return row; }
    var rt = RTYPES[reward.reward_type];
    var rtSel = h("select", { "aria-label": "Reward type", disabled: READONLY, "data-fk": "rt-" + loc(path),
      onchange: function (e) { reward.reward_type = e.target.value; state.focus = "rt-" + loc(path); changed(true); } });
    if (!rt) rtSel.appendChild(h("option", { value: reward.reward_type == null ? "" : String(reward.reward_type), selected: true }, reward.reward_type == null ? "— choose —" : reward.reward_type + " (unknown)"));
    cfg.rewardTypes.forEach(function (r) {
      if (r.status === "archived" && r.key !== reward.reward_type) return;
      rtSel.appendChild(h("option", { value: r.key, selected: r.key === reward.reward_type }, r.label + (r.status === "archived" ? " (archived)" : "")));
    });
    var value = isObj(reward.value) ? reward.value : null;
    var kind = kindOf(value);
    var kindSel = h("select", { "aria-label": "How the value is computed", disabled: READONLY, "data-fk": "kind-" + loc(path),
      onchange: function (e) {
        var keep = {};
        var old = isObj(reward.value) ? reward.value : {};
        var k = e.target.value;
        if (k === "fixed") keep.fixed = null;
        if (k === "percent") { keep.percent = null; keep.of = (numericProps()[0] || {}).ref || null; }
        if (k === "per") { keep.per = null; keep.of = (numericProps()[0] || {}).ref || null; keep.value = null; }
        if (old.of && k !== "fixed") keep.of = old.of;
        if (old.min != null) keep.min = old.min;
        if (old.max != null) keep.max = old.max;
        reward.value = keep;
        state.focus = "kind-" + loc(path);
        changed(true);
      } });
    if (!kind) kindSel.appendChild(h("option", { value: "", selected: true }, "— choose —"));
    KINDS.forEach(function (k) { kindSel.appendChild(h("option", { value: k[0], selected: k[0] === kind }, k[1])); });
    var unit = rt ? rt.unit : "";
    var vpath = path.concat("value");
    var formula = h("div", { "class": "tb-formula", "data-loc": loc(vpath) });
    var previewEl = h("p", { "class": "tb-preview", "aria-live": "polite" });
    var sampleKey = loc(path);
    function updatePreview() { previewEl.textContent = previewText(reward, value, kind, state.samples[sampleKey] || ""); }
    if (value && kind) {
      if (kind === "fixed") formula.appendChild(numberField(value, "fixed", "Amount", vpath, { suffix: unit, onchange: updatePreview }));
      if (kind === "percent") {
        formula.appendChild(numberField(value, "percent", "Percent", vpath, { suffix: "% of", onchange: updatePreview }));
        formula.appendChild(ofSelect(value, vpath));
      }
      if (kind === "per") {
        formula.appendChild(numberField(value, "value", "Give", vpath, { suffix: unit + " for every", onchange: updatePreview }));
        formula.appendChild(numberField(value, "per", "Step", vpath, { suffix: "of", onchange: updatePreview }));
        formula.appendChild(ofSelect(value, vpath));
      }
      formula.appendChild(numberField(value, "min", "At least", vpath, { optional: true, placeholder: "optional", suffix: unit, onchange: updatePreview }));
      formula.appendChild(numberField(value, "max", "At most", vpath, { optional: true, placeholder: "optional", suffix: unit, onchange: updatePreview }));
    }
    row.appendChild(h("div", { "class": "tb-reward-head" },
      h("span", { "class": "tb-slot", "data-loc": loc(path.concat("reward_type")) }, rtSel),
      h("span", { "class": "tb-slot" }, kindSel),
      READONLY ? null : button("×", { "class": "tb-x", "aria-label": "Remove this reward", title: "Remove reward",
        onclick: function () { rewards.splice(path[path.length - 1], 1); changed(true); } })));
    row.appendChild(formula);
    if (value && (kind === "percent" || kind === "per")) {
      var of = PROPS[value.of];
      row.appendChild(h("label", { "class": "tb-sample" },
        h("span", {}, "Preview with " + (of ? of.key : "the property") + " ="),
        h("input", { type: "text", inputmode: "decimal", autocomplete: "off", "class": "tb-num", value: state.samples[sampleKey] || "",
          placeholder: "e.g. 120", "data-fk": "sample-" + sampleKey,
          oninput: function (e) { state.samples[sampleKey] = e.target.value; updatePreview(); } })));
    }
    row.appendChild(previewEl);
    updatePreview();
    return row;
  }

  function previewText(reward, value, kind, sample) {
    if (!value || !kind) return "";
    var rt = RTYPES[reward.reward_type];
    var unit = rt ? " " + rt.unit : "";
    if (kind === "fixed") {
      var fixed = preview(value, rt, "");
      return fixed === null ? "" : "Every customer in this tier gets " + fixed + unit + ".";
    }
    var of = PROPS[value.of];
    if (!sample) return "Type a sample " + (of ? of.key : "value") + " to preview the result.";
    var result = preview(value, rt, sample);
    if (result === null) return "Fill in the numbers (and a sample like 120) to see a preview.";
    return "With " + (of ? of.key : "the property") + " " + sample.trim() + ": " + result + unit +
      (rt ? " (rounded " + rt.rounding.replace("_", " ") + " to " + rt.decimals + " decimals; reward constraints may lower it)" : "");
  }

  function ofSelect(value, vpath) {
    var sel = h("select", { "aria-label": "Of property", disabled: READONLY, "data-fk": "of-" + loc(vpath),
      onchange: function (e) { value.of = e.target.value; state.focus = "of-" + loc(vpath); changed(true); } });
    var known = false;
    numericProps().forEach(function (p) {
      if (p.ref === value.of) known = true;
      sel.appendChild(h("option", { value: p.ref, selected: p.ref === value.of }, SCOPE_WORDS[p.scope].split(" ")[0].toLowerCase() + " · " + p.key));
    });
    if (!known) sel.insertBefore(h("option", { value: value.of == null ? "" : String(value.of), selected: true }, value.of == null ? "— choose —" : value.of + " (not a number property)"), sel.firstChild);
    return h("span", { "class": "tb-slot", "data-loc": loc(vpath.concat("of")) }, sel);
  }

  // --- errors next to their inputs -------------------------------------------------------------
  function plain(msg) {
    if (msg === "field required" || msg === "Field required") return "Required.";
    return msg.replace(/operator '(\w+)'/g, function (m, op) { return "“" + (WORDS[op] || op) + "”"; })
      .replace(/used by tier (\d+)/, function (m, n) { return "used by tier " + (+n + 1); });  // shown 1-based
  }
  function placeErrors() {
    document.querySelectorAll(".tb-error").forEach(function (e) { e.remove(); });
    document.querySelectorAll(".tb-invalid").forEach(function (e) { e.classList.remove("tb-invalid"); });
    var scope = state.view === "json" ? jsonView : builderEl;
    Object.keys(state.errors).forEach(function (where) {
      var parts = where.split(".");
      for (var k = parts.length; k > 0; k--) {
        var at = parts.slice(0, k).join(".");
        var target = scope.querySelector('[data-loc="' + CSS.escape(at) + '"]');
        if (!target) continue;
        var rest = parts.slice(k);
        var prefix = rest.length && /^\d+$/.test(rest[rest.length - 1]) && k === parts.length - 1 ? "value " + (+rest[0] + 1) + ": " : "";
        var em = h("em", { "class": "error tb-error", "data-loc-error": where, id: "err-" + (uid++) }, prefix + plain(state.errors[where]));
        target.classList.add("tb-invalid");
        target.appendChild(em);
        var control = target.matches("input,select,textarea") ? target : target.querySelector("input,select,textarea");
        if (control) { control.setAttribute("aria-invalid", "true"); control.setAttribute("aria-describedby", em.id); }
        break;
      }
    });
  }

  // --- views ------------------------------------------------------------------------------------
  function showView(view) {
    state.view = view;
    var json = view === "json";
    jsonView.hidden = !json;
    builderEl.hidden = json;
    viewBuilderBtn.setAttribute("aria-pressed", json ? "false" : "true");
    viewJsonBtn.setAttribute("aria-pressed", json ? "true" : "false");
  }
  function jsonProblem(text) {
    var parsed;
    try { parsed = JSON.parse(text); } catch (e) { return { msg: "This is not valid JSON: " + e.message }; }
    if (!Array.isArray(parsed)) return { msg: "The tiers must be a JSON list: [ {…}, {…} ]." };
    return { value: parsed };
  }
  viewJsonBtn.addEventListener("click", function () {
    if (state.view === "json") return;
    jsonEditor.value = JSON.stringify(state.tiers, null, 2);
    showView("json");
    state.errors = {};
    sync();
    placeErrors();
  });
  viewBuilderBtn.addEventListener("click", function () {
    if (state.view === "builder") return;
    var got = jsonProblem(jsonEditor.value);
    if (got.msg) {
      state.errors = { tiers: got.msg };
      placeErrors();
      jsonEditor.focus();
      return;
    }
    state.tiers = got.value;
    showView("builder");
    state.errors = {};
    render();
  });
  jsonEditor.addEventListener("input", function () { sync(); });
  jsonEditor.readOnly = READONLY;

  if (form) {
    form.addEventListener("submit", function () { sync(); });
  }

  // The simulator's answer may carry the draft's problems: mark them in the builder too.
  document.body.addEventListener("htmx:afterSwap", function (e) {
    var res = e.detail && e.detail.target && e.detail.target.querySelector("[data-draft-errors]");
    if (!res) return;
    res.scrollIntoView({ block: "nearest" });
    // Each step of the trace can point at the rule that decided it.
    res.querySelectorAll("li[data-path]").forEach(function (li) {
      var rule = builderEl.querySelector('[data-loc="' + CSS.escape(li.getAttribute("data-path")) + '"]');
      if (!rule || state.view !== "builder") return;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(h("button", { type: "button", "class": "link tb-show-rule", onclick: function () {
        rule.scrollIntoView({ block: "center" });
        rule.classList.add("tb-flash");
        setTimeout(function () { rule.classList.remove("tb-flash"); }, 1600);
        var control = rule.querySelector("input,select,textarea");
        if (control) control.focus({ preventScroll: true });
      } }, "Show rule"));
    });
    var errs = JSON.parse(res.getAttribute("data-draft-errors") || "{}");
    if (Object.keys(errs).length) { state.errors = errs; placeErrors(); }
  });
  document.body.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.elt && e.detail.elt.id === "sim-form") { sync(); e.detail.parameters.tiers = hidden.value; }
  });

  // --- start ----------------------------------------------------------------------------------
  // The builder's own test hooks: load any tiers JSON and read back what it would save.
  window.tierBuilder = {
    load: function (tiers) { state.tiers = tiers; state.errors = {}; showView("builder"); render(); return hidden.value; },
    serialize: function () { return hidden.value; },
    readonlyNotes: function () { return builderEl.querySelectorAll("[data-readonly-condition]").length; },
    preview: preview
  };

  if (cfg.draft !== null && cfg.draft !== undefined) {
    var got = jsonProblem(cfg.draft);
    if (got.msg) {
      jsonEditor.value = cfg.draft;
      state.tiers = cfg.tiers;
      render();
      showView("json");
      if (!Object.keys(state.errors).length) state.errors = { tiers: got.msg };
      sync();
      placeErrors();
      return;
    }
    state.tiers = got.value;
  } else {
    state.tiers = JSON.parse(JSON.stringify(cfg.tiers));
  }
  showView("builder");
  render();
})();
