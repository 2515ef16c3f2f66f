// Operator console: a ring event from the server (SSE) shows the caller at once and refreshes
// today's lists; F2 opens intake and puts the cursor in the form. A reload keeps the current
// call: the server renders its banner (data-call), and this picks it up.
(function () {
  "use strict";
  const root = document.getElementById("console");
  if (!root) return;
  const shown = document.querySelector("#banner[data-call]");
  let current = shown ? { call_id: shown.dataset.call } : null;

  function show(ring) {
    current = ring;
    const caller = document.getElementById("caller");
    caller.replaceChildren();
    const banner = document.createElement("div");
    banner.id = "banner";
    banner.dataset.call = ring.call_id;
    const text = document.createElement("div");
    text.id = "banner-text";
    if (ring.deputy) {
      banner.className = "banner deputy";
      banner.dataset.deputy = ring.deputy.id;
      text.textContent = ring.deputy.banner;
      const greeting = document.createElement("div");
      greeting.id = "greeting";
      greeting.className = "greeting";
      greeting.textContent = ring.deputy.greeting;
      banner.append(text, greeting);
    } else {
      banner.className = "banner citizen";
      text.textContent = "群众来电 " + (ring.caller_masked || "");
      banner.append(text);
    }
    const button = document.createElement("button");
    button.className = "primary";
    button.id = "open-intake";
    button.type = "button";
    button.innerHTML = "登记工单 <kbd>F2</kbd>";
    button.addEventListener("click", openIntake);
    const line = document.createElement("p");
    line.append(button);
    caller.append(banner, line);
  }

  // Only the call id goes to the server: it checks that the call is this operator's own and
  // today's, and logs the number it fills in.
  function openIntake() {
    const params = new URLSearchParams();
    if (current) params.set("call", current.call_id);
    htmx.ajax("GET", root.dataset.intake + "?" + params.toString(), "#intake");
  }

  // The cursor goes to the form: the first field with an error after a refused save, else the
  // first empty field the operator types into (a deputy call's name and number are prefilled).
  function focusIntake() {
    const form = document.getElementById("intake-form");
    if (!form) return false;
    const fields = Array.from(
      form.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea")
    ).filter(function (field) { return !field.disabled && field.offsetParent !== null; });
    const invalid = fields.find(function (field) {
      return field.getAttribute("aria-invalid") === "true";
    });
    const empty = fields.find(function (field) { return field.tagName !== "SELECT" && !field.value; });
    const target = invalid || empty || fields[0];
    if (target) target.focus();
    return Boolean(target);
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "intake") focusIntake();
  });

  // A refused prefill (403) still shows its explanation in the intake panel.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 403 && event.detail.target.id === "intake") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "F2") {
      event.preventDefault();
      // the form is open for this call (or for no call): F2 puts the cursor in it
      const call = document.getElementById("id_call_id");
      const same = !current || (call && call.value === current.call_id);
      if (same && focusIntake()) return;
      const button = document.getElementById("open-intake");
      if (current) openIntake(); else if (button) button.click();
      else htmx.ajax("GET", root.dataset.intake, "#intake");  // no call: a citizen's call
    }
  });

  const source = new EventSource(root.dataset.events);
  source.addEventListener("ring", function (event) {
    show(JSON.parse(event.data));
    htmx.trigger(document.body, "minyi:ring");  // today's calls list shows the new call
  });
  source.addEventListener("open", function () { root.dataset.live = "1"; });
  // The server ends the stream when the session has been idle too long and then refuses it
  // (401): the browser stops reconnecting, and a reload shows the log-in page.
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) window.location.reload();
  });
})();
