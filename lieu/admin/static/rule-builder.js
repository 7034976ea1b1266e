// The studio's rule builder: beside each eligibility criterion's rule (JsonLogic, kept in its
// JSON field), conditions to pick in words — a fact from the member-facts vocabulary, with its
// description; an operator that fits the fact's type; a value from the fact's codes (searchable)
// or a number — joined by "all of" (and) or "any of" (or). It writes the rule into the JSON field
// (the editor checks it as typed); a rule of another shape stays JSON, and says so.
(function () {
  "use strict";
  const source = document.getElementById("facts-vocabulary");
  if (!source) return;
  const facts = JSON.parse(source.textContent);
  const byPath = {};
  facts.forEach(function (f) { byPath[f.path] = f; });
  const RULE = /^\/eligibility\/criteria\/\d+\/rule$/;
  const AS_OF = { var: "as_of" };
  let made = 0;

  // operators by kind: [key, words, make(path, value) -> rule, read(rule) -> value | undefined]
  const compare = function (op, words) {
    return [op, words,
      function (p, v) { const r = {}; r[op] = [{ var: p }, v]; return r; },
      function (r) {
        const args = r[op];
        if (Array.isArray(args) && args.length === 2 && isVar(args[0]) &&
            (typeof args[1] !== "object" || args[1] === null)) return [args[0].var, args[1]];
      }];
  };
  function isVar(x) { return x && typeof x === "object" && typeof x.var === "string" && Object.keys(x).length === 1; }
  const OPERATORS = {
    integer: [compare(">=", "is at least"), compare("<=", "is at most"), compare("==", "is"),
      compare(">", "is more than"), compare("<", "is less than"), compare("!=", "is not")],
    boolean: [["yes", "is yes", function (p) { return { "==": [{ var: p }, true] }; },
      function (r) { const a = r["=="]; if (Array.isArray(a) && a.length === 2 && isVar(a[0]) && a[1] === true) return [a[0].var, true]; }],
      ["no", "is no", function (p) { return { "==": [{ var: p }, false] }; },
      function (r) { const a = r["=="]; if (Array.isArray(a) && a.length === 2 && isVar(a[0]) && a[1] === false) return [a[0].var, false]; }]],
    string: [compare("==", "is"), compare("!=", "is not")],
    array: [["includes", "includes", function (p, v) { return { in: [v, { var: p }] }; },
      function (r) { const a = r.in; if (Array.isArray(a) && a.length === 2 && isVar(a[1]) && typeof a[0] === "string") return [a[1].var, a[0]]; }]],
    date: [["within", "is within … days before the date of service",
      function (p, v) { return { within_days: [{ var: p }, v, AS_OF] }; },
      function (r) { const a = r.within_days; if (Array.isArray(a) && a.length === 3 && isVar(a[0]) && typeof a[1] === "number" && isVar(a[2]) && a[2].var === "as_of") return [a[0].var, a[1]]; }],
      ["age", "gives an age at the date of service of at least",
      function (p, v) { return { ">=": [{ age_at: [{ var: p }, AS_OF] }, v] }; },
      function (r) { const a = r[">="]; if (Array.isArray(a) && a.length === 2 && a[0] && a[0].age_at && isVar(a[0].age_at[0]) && typeof a[1] === "number") return [a[0].age_at[0].var, a[1]]; }]]
  };
  OPERATORS.number = OPERATORS.integer;

  function kindOf(path) { const f = byPath[path]; return f ? f.kind : ""; }

  // a rule as [join, [[path, operatorKey, value], …]], or null when it is another shape
  function parse(rule) {
    if (rule === null || typeof rule !== "object") return null;
    let join = "and", parts = [rule];
    if (Array.isArray(rule.and) && Object.keys(rule).length === 1) parts = rule.and;
    else if (Array.isArray(rule.or) && Object.keys(rule).length === 1) { join = "or"; parts = rule.or; }
    const rows = [];
    for (const part of parts) {
      let found = null;
      for (const kind of Object.keys(OPERATORS)) {
        for (const op of OPERATORS[kind]) {
          const got = part && typeof part === "object" ? op[3](part) : undefined;
          if (got && kindOf(got[0]) === kind) { found = [got[0], op[0], got[1]]; break; }
        }
        if (found) break;
      }
      if (!found) return null;
      rows.push(found);
    }
    return [join, rows];
  }

  function build(join, rows) {
    const parts = rows.map(function (row) {
      const op = OPERATORS[kindOf(row[0])].find(function (o) { return o[0] === row[1]; });
      return op[2](row[0], row[2]);
    });
    if (parts.length === 1) return parts[0];
    const rule = {};
    rule[join] = parts;
    return rule;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function attach(field) {
    if (field.dataset.builder) return;
    field.dataset.builder = "1";
    made += 1;
    const id = "rb" + made;
    const box = el("div", { class: "rule-builder", role: "group", "aria-label": "Conditions of this criterion" });
    field.parentNode.insertBefore(box, field);
    function write(join, rows) {
      field.value = JSON.stringify(build(join, rows), null, 1);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    // the rule as the field holds it now (every handler reads it afresh: the field is the truth)
    function current() {
      let rule = null;
      try { rule = field.value.trim() ? JSON.parse(field.value) : { and: [] }; } catch (e) { return null; }
      return rule && rule.and && rule.and.length === 0 ? ["and", []] : parse(rule);
    }
    function draw() {
      box.textContent = "";
      const parsed = current();
      if (!parsed) {
        box.appendChild(el("p", { class: "muted" }, "This rule is edited as JSON below (its shape is not one the builder writes)."));
        return;
      }
      const join = parsed[0], rows = parsed[1];
      const joinLabel = el("label", { for: id + "-join" }, "Met when ");
      const joinBox = el("select", { id: id + "-join" });
      [["and", "all of these hold"], ["or", "any of these holds"]].forEach(function (o) {
        const opt = el("option", { value: o[0] }, o[1]);
        if (o[0] === join) opt.selected = true;
        joinBox.appendChild(opt);
      });
      joinBox.addEventListener("change", function () {
        const now = current();
        if (now) write(joinBox.value, now[1]);
      });
      box.appendChild(joinLabel); box.appendChild(joinBox);
      const list = el("ol", { class: "conditions" });
      rows.forEach(function (row, i) { list.appendChild(condition(row, i)); });
      box.appendChild(list);
      const add = el("button", { type: "button", class: "add-condition" }, "Add a condition");
      add.addEventListener("click", function () {
        const first = facts.find(function (f) { return f.kind === "integer"; });
        const now = current() || [join, []];
        write(now[0], now[1].concat([[first.path, ">=", 1]]));
        draw();
        const last = list.parentNode.querySelectorAll("select.fact");
        if (last.length) last[last.length - 1].focus();
      });
      box.appendChild(add);
    }
    function condition(row, i) {
      const item = el("li");
      const key = id + "-" + i;
      const fact = el("select", { class: "fact", id: key + "-fact", "aria-label": "Fact of condition " + (i + 1) });
      facts.forEach(function (f) {
        if (!OPERATORS[f.kind]) return;
        const opt = el("option", { value: f.path }, f.label + " (" + f.path + ")");
        if (f.path === row[0]) opt.selected = true;
        fact.appendChild(opt);
      });
      const kind = kindOf(row[0]);
      const op = el("select", { class: "operator", "aria-label": "How condition " + (i + 1) + " tests it" });
      OPERATORS[kind].forEach(function (o) {
        const opt = el("option", { value: o[0] }, o[1]);
        if (o[0] === row[1]) opt.selected = true;
        op.appendChild(opt);
      });
      const f = byPath[row[0]];
      let value = null;
      if (kind !== "boolean") {
        const codes = kind === "array" ? f.item_enum : f.enum;
        value = el("input", { class: "value", "aria-label": "Value of condition " + (i + 1) });
        if (codes && codes.length) {
          const list = el("datalist", { id: key + "-codes" });
          codes.forEach(function (c) { list.appendChild(el("option", { value: c })); });
          item.appendChild(list);
          value.setAttribute("list", key + "-codes");
          value.value = row[2] === undefined ? "" : String(row[2]);
        } else {
          value.type = "number";
          value.value = row[2] === undefined ? "" : String(row[2]);
        }
      }
      const remove = el("button", { type: "button", class: "remove-condition" }, "Remove");
      const help = el("span", { class: "help" }, f.description || "");
      function changed() {
        const now = current();
        if (!now) return;
        const path = fact.value;
        const newKind = kindOf(path);
        let opKey = op.value, v = value ? value.value : undefined;
        if (newKind !== kind) {
          opKey = OPERATORS[newKind][0][0];
          v = newKind === "integer" || newKind === "number" || newKind === "date" ? 1 : "";
        } else if (value && value.type === "number") {
          v = v === "" ? 0 : Number(v);
        }
        if (newKind === "boolean") v = opKey === "yes";
        const next = now[1].slice();
        next[i] = [path, opKey, v];
        write(now[0], next);
        if (newKind !== kind) draw();
      }
      fact.addEventListener("change", changed);
      op.addEventListener("change", changed);
      if (value) value.addEventListener("change", changed);
      remove.addEventListener("click", function () {
        const now = current();
        if (!now) return;
        write(now[0], now[1].filter(function (_, j) { return j !== i; }));
        draw();
      });
      [fact, op].concat(value ? [value] : []).concat([remove, help]).forEach(function (n) { item.appendChild(n); });
      return item;
    }
    draw();
    field.addEventListener("change", draw);
  }

  function scan(root) {
    root.querySelectorAll("textarea[data-pointer]").forEach(function (field) {
      if (RULE.test(field.dataset.pointer) && !field.closest("template")) attach(field);
    });
  }
  scan(document);
  new MutationObserver(function () { scan(document); })
    .observe(document.querySelector("[data-form-box]") || document.body, { childList: true, subtree: true });
})();
