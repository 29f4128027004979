// Today's work offline: a grid worker's phone loses the connection. Each quick check is kept in this
// phone's localStorage first, under its idempotency key, then sent to the batch API whenever the
// connection allows. An item leaves the queue only once the server answered for it: saved (201),
// saved before (200, the key makes a resend count once), or refused (4xx), which is listed with
// its reason until the worker dismisses it. Nothing is dropped without the worker seeing it.
(function () {
  "use strict";
  var root = document.getElementById("offline-checks");
  if (!root) { return; }
  var storage;
  try { storage = window.localStorage; storage.getItem("probe"); } catch (error) { return; }  // plain forms then

  var QUEUE = "fangkong.checks." + root.dataset.user;  // per user: a shared phone keeps queues apart
  var REFUSED = QUEUE + ".refused";
  var DAY = 24 * 60 * 60 * 1000;
  var RETRY_MS = 30 * 1000;
  var limit = parseInt(root.dataset.limit, 10) || 100;
  var sending = false;
  var sentCount = 0;

  function read(name) {
    try { return JSON.parse(storage.getItem(name)) || []; } catch (error) { return []; }
  }
  function write(name, items) { storage.setItem(name, JSON.stringify(items)); }
  function text(name, count) { return root.dataset["text" + name].replace("%(count)s", count); }
  function show(id, message) {
    var element = document.getElementById(id);
    element.textContent = message || "";
    toggle(element, Boolean(message));
    return element;
  }
  function toggle(element, shown) {
    element.hidden = !shown;
    element.className = shown ? element.dataset.style : "";
  }

  function newKey() {
    // crypto.getRandomValues works on plain http too (randomUUID needs a secure context).
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "phone-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function reasons(errors) {
    if (!errors || typeof errors !== "object") { return String(errors || ""); }
    return Object.keys(errors).map(function (field) {
      var messages = errors[field];
      return Array.isArray(messages) ? messages.join(" ") : reasons(messages);
    }).join(" ");
  }

  function render() {
    var queue = read(QUEUE);
    var unsent = show("unsent", queue.length ? text("Unsent", queue.length) : "");
    unsent.dataset.count = queue.length;
    var oldest = queue.reduce(function (first, item) { return Math.min(first, item.queued_at); }, Date.now());
    toggle(document.getElementById("unsent-old"), queue.length > 0 && Date.now() - oldest > DAY);
    show("sent", sentCount ? text("Sent", sentCount) : "");
    var list = document.getElementById("refused");
    list.textContent = "";
    read(REFUSED).forEach(function (item) {
      var row = document.createElement("li");
      row.className = "list-group-item list-group-item-danger d-flex justify-content-between align-items-center gap-2";
      var label = document.createElement("span");
      label.textContent = item.name + " " + item.temperature + " °C — " + root.dataset.textRefused + ": " + item.reason;
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "btn btn-sm btn-outline-secondary";
      dismiss.textContent = root.dataset.textDismiss;
      dismiss.addEventListener("click", function () {
        write(REFUSED, read(REFUSED).filter(function (other) { return other.key !== item.key; }));
        render();
      });
      row.append(label, dismiss);
      list.append(row);
    });
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The server answered for these keys: take them off the queue (as it is now: more may have been added
  // while the batch was on its way), keeping the refused ones to show.
  function settle(results, sent) {
    var byKey = {};
    sent.forEach(function (item) { byKey[item.key] = item; });
    var done = {};
    var refused = read(REFUSED);
    results.forEach(function (result) {
      var item = byKey[result.key];
      if (!item) { return; }
      if (result.status === 200 || result.status === 201) {
        done[item.key] = true;
        sentCount += 1;
        markRow(item.person, root.dataset.textSaved, "text-bg-success");
      } else if (result.status >= 400 && result.status < 500) {
        done[item.key] = true;
        refused.push({ key: item.key, name: item.name, temperature: item.temperature, reason: reasons(result.errors) });
        markRow(item.person, root.dataset.textRefused, "text-bg-danger");
      }
    });
    write(REFUSED, refused);
    write(QUEUE, read(QUEUE).filter(function (item) { return !done[item.key]; }));
  }

  function flush() {
    var queue = read(QUEUE);
    if (sending || !queue.length) { render(); return; }
    sending = true;
    var batch = queue.slice(0, limit);
    var body = batch.map(function (item) {
      return { key: item.key, person: item.person, temperature: item.temperature, symptoms: item.symptoms,
               taken_at: item.taken_at, source: item.source };
    });
    fetch(root.dataset.batchUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (reply) {
      sending = false;
      if (reply.ok && Array.isArray(reply.answer)) {
        show("sync-error", "");
        settle(reply.answer, batch);
        var sentKeys = {};
        batch.forEach(function (item) { sentKeys[item.key] = true; });
        // Checks queued while this batch was on its way, or beyond its limit, go next.
        if (read(QUEUE).some(function (item) { return !sentKeys[item.key]; })) { flush(); return; }
      } else {
        // The whole batch was refused (an ended session, most often): everything stays queued.
        show("sync-error", root.dataset.textLogin + " " + reasons(reply.answer));
      }
      render();
    }).catch(function () {
      sending = false;  // offline or the server unreachable: the queue waits for the next try
      render();
    });
  }

  function markRow(person, label, style) {
    document.querySelectorAll('form.quick-check[data-person="' + person + '"]').forEach(function (form) {
      var badge = form.closest("li").querySelector(".check-state");
      badge.className = "badge check-state " + style;
      badge.textContent = label;
      badge.hidden = false;
    });
  }

  document.querySelectorAll("form.quick-check").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var symptoms = Array.prototype.map.call(form.querySelectorAll("input[name=symptoms]:checked"), function (box) {
        return box.value;
      });
      var item = {
        key: newKey(),
        person: parseInt(form.dataset.person, 10),
        name: form.dataset.name,
        temperature: form.elements.temperature.value,
        symptoms: symptoms,
        taken_at: new Date().toISOString(),
        source: form.elements.source.value,
        queued_at: Date.now()
      };
      try {
        var queue = read(QUEUE);
        queue.push(item);
        write(QUEUE, queue);
      } catch (error) {
        return;  // the phone's storage is full or refused: the form is sent the ordinary way
      }
      event.preventDefault();
      form.reset();
      markRow(item.person, root.dataset.textQueued, "text-bg-warning");
      flush();
    });
  });

  window.addEventListener("online", flush);
  window.setInterval(function () { if (read(QUEUE).length) { flush(); } }, RETRY_MS);
  flush();
})();
