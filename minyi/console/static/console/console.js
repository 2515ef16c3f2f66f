// Operator console: a ring event from the server (SSE) shows the caller at once; F2 opens intake.
(function () {
  "use strict";
  const root = document.getElementById("console");
  if (!root) return;
  let current = null;

  function show(ring) {
    current = ring;
    const caller = document.getElementById("caller");
    caller.replaceChildren();
    const banner = document.createElement("div");
    banner.id = "banner";
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
      const button = document.getElementById("open-intake");
      if (current) openIntake(); else if (button) button.click();
    }
  });

  const source = new EventSource(root.dataset.events);
  source.addEventListener("ring", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("open", function () { root.dataset.live = "1"; });
  // The server ends the stream when the session has been idle too long and then refuses it
  // (401): the browser stops reconnecting, and a reload shows the log-in page.
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) window.location.reload();
  });
})();
