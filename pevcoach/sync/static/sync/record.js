/* The one-screen session recorder: GROW stage by stage, then goal, actions, evidence and
   checklist; everything goes to the outbox as one group, then syncs when it can. */
(function () {
  "use strict";
  var form = document.getElementById("record");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var texts = JSON.parse(document.getElementById("record-texts").textContent);
  var at = 0;
  var prev = form.querySelector("[data-prev]"), next = form.querySelector("[data-next-step]");
  var save = form.querySelector("button[name=save]"), error = document.getElementById("record-error");

  function show(index) {
    at = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach(function (step, i) { step.hidden = i !== at; });
    prev.hidden = at === 0;
    next.hidden = at === steps.length - 1;
    save.hidden = at !== steps.length - 1;
    window.scrollTo(0, 0);
  }
  prev.addEventListener("click", function () { show(at - 1); });
  next.addEventListener("click", function () { show(at + 1); });
  show(0);

  function value(name) { var el = form.elements[name]; return el ? String(el.value || "").trim() : ""; }
  function fail(message) { error.textContent = message; error.hidden = false; }

  function asInstant(local) { return new Date(local).toISOString(); }

  async function photoData(file) {
    var small = window.pevShrinkPhoto ? await window.pevShrinkPhoto(file) : file;
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(",")[1]); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(small);
    });
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    error.hidden = true;
    var uuid = window.pevSync.uuid, relationship = form.getAttribute("data-relationship");
    var notes = {};
    ["goal", "reality", "options", "will"].forEach(function (stage) { notes[stage + "_notes"] = value(stage + "_notes"); });
    if (Object.values(notes).some(function (n) { return !n; }) || !value("summary")) return fail(texts.missing);

    var session = uuid(), changes = [];
    changes.push({ kind: "create", model: "sessions", id: session, data: Object.assign({
      relationship: relationship, scheduled_for: asInstant(value("scheduled_for")), mode: value("mode"),
      place: value("place") }, notes) });
    changes.push({ kind: "update", model: "sessions", id: session, data: { complete: true, summary: value("summary") } });

    form.querySelectorAll("input[name=done]:checked").forEach(function (box) {
      changes.push({ kind: "update", model: "actions", id: box.value, data: { status: "done" }, base: { status: "open" } });
    });

    if (value("goal_statement")) {
      var review = value("goal_review");
      changes.push({ kind: "create", model: "goals", id: uuid(), data: {
        relationship: relationship, session: session, kind: "indicator", statement: value("goal_statement"),
        indicator: value("goal_indicator"), baseline_value: value("goal_baseline") || null,
        target_value: value("goal_target") || null, source: value("goal_source"), problem: value("goal_problem"),
        deadline: value("goal_deadline") || null, review_dates: review ? [review] : [] } });
    }

    var rows = form.querySelectorAll("[data-action-row]");
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], description = row.querySelector("[name=action_description]").value.trim();
      if (!description) continue;
      var action = uuid();
      changes.push({ kind: "create", model: "actions", id: action, data: {
        relationship: relationship, session: session, description: description,
        owner: parseInt(row.querySelector("[name=action_owner]").value, 10),
        due_date: row.querySelector("[name=action_due]").value } });
      var photo = row.querySelector("[name=action_photo]").files[0];
      if (photo) {
        changes.push({ kind: "create", model: "evidence", id: uuid(), data: {
          action: action, note: "", photo_base64: await photoData(photo) } });
      }
    }

    var items = form.querySelectorAll("[data-item]"), answers = [];
    items.forEach(function (item) {
      var checked = item.querySelector("input:checked");
      if (checked) answers.push({ item: parseInt(item.getAttribute("data-item"), 10), score: checked.value });
    });
    if (answers.length && answers.length !== items.length) return fail(texts.checklist);
    if (answers.length) {
      changes.push({ kind: "create", model: "checklists", id: uuid(), data: {
        relationship: relationship, session: session, template: parseInt(form.getAttribute("data-template"), 10),
        answers: answers } });
    }

    await window.pevSync.enqueue(changes);
    if (navigator.onLine) await window.pevSync.sync("saved");
    window.location.href = form.getAttribute("data-next");
  });
})();
