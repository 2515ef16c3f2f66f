"""Webhook to banner in headless Chromium: the operator's console, measured inside the page.

For each ring the page itself (``page.evaluate``) installs a MutationObserver on ``#caller``,
notes ``performance.now()``, POSTs the ring to ``/api/cti/events`` with ``fetch`` (Bearer
token), and resolves when ``#banner-text`` holds the expected banner (the mutation), then once
more at the next animation frame (the frame that paints it). One clock, no Python in between.
"""

from __future__ import annotations

import json
import time

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

RING_IN_PAGE = """
async ({url, token, body, expected, timeoutMs}) => {
  const caller = document.getElementById("caller");
  let done;
  const shown = new Promise((resolve) => { done = resolve; });
  const check = () => {
    const el = document.getElementById("banner-text");
    return el !== null && el.textContent === expected;
  };
  const observer = new MutationObserver(() => {
    if (check()) {
      const mutated = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => done({mutated, painted: performance.now()}));
    }
  });
  observer.observe(caller, {childList: true, subtree: true, characterData: true});
  const t0 = performance.now();
  const response = fetch(url, {
    method: "POST",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    body,
  }).then(async (r) => ({status: r.status, at: performance.now(), json: await r.json()}));
  const timer = new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs));
  const seen = await Promise.race([shown, timer]);
  observer.disconnect();
  const r = await response;
  return {
    banner_ms: seen ? seen.mutated - t0 : null,
    painted_ms: seen ? seen.painted - t0 : null,
    fetch_ms: r.at - t0,
    status: r.status,
    deputy_banner: r.json && r.json.deputy ? r.json.deputy.banner : null,
  };
}
"""


def banner_times(
    base: str, token: str, username: str, password: str, rings: list[tuple[str, str, str]]
) -> dict:
    """Sign in, open the console, and ring each (call_id, caller, expected banner) in turn.

    The first three rings warm the page up and are not counted. Each ring waits at most 5 s.
    """
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            with page.expect_navigation():
                page.click("button[type=submit]")
            page.goto(f"{base}/console/")
            page.wait_for_selector("#console[data-live='1']")  # the event stream is open
            for call_id, caller, expected in rings:
                body = json.dumps(
                    {"event": "ring", "call_id": call_id, "from": caller, "to": "12345"}
                )
                out = page.evaluate(
                    RING_IN_PAGE,
                    {
                        "url": f"{base}/api/cti/events",
                        "token": token,
                        "body": body,
                        "expected": expected,
                        "timeoutMs": 5000,
                    },
                )
                out["expected"] = expected
                results.append(out)
                time.sleep(0.1)  # one call at a time, as an operator takes them
        finally:
            browser.close()
    return {"warmup": results[:3], "measured": results[3:]}
