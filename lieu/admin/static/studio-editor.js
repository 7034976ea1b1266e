// The studio's definition editor: reads the schema-generated fields back into the document,
// keeps the raw JSON beside them in step (both ways), and checks the document as the analyst
// types, showing each problem at the field its JSON pointer names. Without this script the raw
// JSON is the form.
(function () {
  "use strict";
  const editor = document.querySelector("form[data-editor]");
  if (!editor) return;
  const raw = editor.querySelector("textarea[name=document]");
  const csrf = editor.querySelector("input[name=csrf]").value;
  const summary = document.getElementById("editor-summary");
  let timer = null;
  let added = 0;
  let formBox = editor.querySelector("[data-form-box]");

  function set(doc, pointer, value) {
    const parts = pointer.split("/").slice(1);
    let here = doc;
    parts.forEach(function (part, i) {
      const last = i === parts.length - 1;
      const key = /^\d+$/.test(part) ? Number(part) : part;
      if (last) { here[key] = value; return; }
      if (here[key] === undefined || here[key] === null) {
        here[key] = /^\d+$/.test(parts[i + 1]) ? [] : {};
      }
      here = here[key];
    });
  }

  function read(control) {
    const kind = control.dataset.kind;
    const text = control.value;
    if (kind === "boolean") {
      return control.checked || control.dataset.present ? { value: control.checked } : null;
    }
    if (text.trim() === "") return null;
    if (kind === "integer") return { value: parseInt(text, 10) };
    if (kind === "number") return { value: Number(text) };
    if (kind === "json" || kind === "const") {
      try { return { value: JSON.parse(text) }; } catch (e) {
        if (kind === "const") return { value: text };
        return { error: "not JSON: " + e.message };
      }
    }
    return { value: text };
  }

  function renumber() {
    formBox.querySelectorAll("fieldset[data-kind=array]").forEach(function (list) {
      const base = list.dataset.pointer;
      const items = list.querySelector(":scope > .items").children;
      Array.prototype.forEach.call(items, function (item, index) {
        const old = item.dataset.pointer;
        const now = base + "/" + index;
        if (old === now) return;
        [item].concat(Array.from(item.querySelectorAll("[data-pointer],[data-problem-for]")))
          .forEach(function (el) {
            ["pointer", "problemFor"].forEach(function (attr) {
              const v = el.dataset[attr];
              if (v !== undefined && (v === old || v.indexOf(old + "/") === 0)) {
                el.dataset[attr] = now + v.slice(old.length);
              }
            });
          });
      });
    });
  }

  function collect() {
    const doc = {};
    const broken = [];
    formBox.querySelectorAll("input[data-kind],select[data-kind],textarea[data-kind]")
      .forEach(function (control) {
        if (control.closest("template")) return;
        const got = read(control);
        if (got === null) return;
        if (got.error) { broken.push([control.dataset.pointer, got.error]); return; }
        set(doc, control.dataset.pointer, got.value);
      });
    return { doc: doc, broken: broken };
  }

  function fieldFor(pointer) {
    let p = pointer;
    while (true) {
      const spot = formBox.querySelector('[data-problem-for="' + CSS.escape(p) + '"]');
      if (spot) return spot;
      if (p === "" || p.lastIndexOf("/") < 0) return null;
      p = p.slice(0, p.lastIndexOf("/"));
    }
  }

  function show(problems) {
    formBox.querySelectorAll("[data-problem-for]").forEach(function (spot) {
      spot.textContent = "";
      spot.className = "problem";
    });
    const unplaced = [];
    problems.forEach(function (problem) {
      const spot = fieldFor(problem.pointer);
      const words = problem.code + ": " + problem.message;
      if (!spot) { unplaced.push(problem.pointer + " " + words); return; }
      spot.textContent = (spot.textContent ? spot.textContent + " · " : "") + words;
      spot.className = "problem " + problem.severity;
    });
    const errors = problems.filter(function (p) { return p.severity === "error"; }).length;
    summary.textContent = errors
      ? errors + " problem(s) to fix before it can be published" +
        (unplaced.length ? ": " + unplaced.join("; ") : "")
      : problems.length ? "No blocking problem; " + problems.length + " warning(s) to review"
      : "No problem: it may be saved, simulated and submitted";
    summary.className = errors ? "flash error" : "flash";
  }

  function check() {
    const body = new URLSearchParams({ csrf: csrf, document: raw.value });
    fetch(editor.dataset.check, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (answer) { return answer.json(); })
      .then(function (answer) { show(answer.problems); })
      .catch(function () { summary.textContent = "The check did not answer; try again"; });
  }

  function fromForm() {
    renumber();
    const found = collect();
    raw.value = JSON.stringify(found.doc, null, 2);
    if (found.broken.length) {
      show(found.broken.map(function (b) {
        return { pointer: b[0], code: "not-json", message: b[1], severity: "error" };
      }));
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  function fromRaw() {
    const body = new URLSearchParams({ csrf: csrf, document: raw.value });
    fetch(editor.dataset.redraw, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (answer) {
        return answer.text().then(function (html) { return { ok: answer.ok, html: html }; });
      })
      .then(function (answer) {
        if (!answer.ok) { summary.textContent = answer.html; summary.className = "flash error"; return; }
        formBox.innerHTML = answer.html;
        check();
      });
  }

  formBox.addEventListener("input", fromForm);
  formBox.addEventListener("change", fromForm);
  raw.addEventListener("change", fromRaw);
  editor.addEventListener("click", function (event) {
    const add = event.target.closest("[data-add]");
    const remove = event.target.closest(".remove-item");
    if (add) {
      const list = add.closest("fieldset[data-kind=array]");
      const template = list.querySelector(":scope > template");
      const items = list.querySelector(":scope > .items");
      const copy = template.content.cloneNode(true);
      added += 1;
      copy.querySelectorAll("[id],[for],[aria-describedby]").forEach(function (el) {
        ["id", "for", "aria-describedby"].forEach(function (attr) {
          const v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.split("__new__").join("n" + added));
        });
      });
      items.appendChild(copy);
      fromForm();
      const first = items.lastElementChild.querySelector("input,select,textarea");
      if (first) first.focus();
    } else if (remove) {
      remove.closest(".item").remove();
      fromForm();
    }
  });
  editor.addEventListener("submit", function () {
    if (!formBox.hidden) { renumber(); raw.value = JSON.stringify(collect().doc, null, 2); }
  });
  check();
})();
