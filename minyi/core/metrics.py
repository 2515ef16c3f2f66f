"""The metrics each process counts as things happen (prometheus-client), shown at ``/metrics``
(minyi/core/metrics_view.py) beside those read from the database at scrape time
(minyi/core/metrics_state.py). Every name is a stable contract (README "Metrics").

The SMS are sent and the SLA scan runs in ``db_worker``, not in the web process that answers
``/metrics``. With ``PROMETHEUS_MULTIPROC_DIR`` set (the same directory for the web, the
workers and the scheduler on one host) prometheus-client keeps every value in a file per
process there, and the scrape adds them up; without it each process counts in its own memory
and ``/metrics`` shows only the answering process's counts. prometheus-client reads the
variable when it is imported, so it must be in the environment before the process starts.

Label values are fixed sets (never a path, a number or a person): a series per value.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

SMS_SENT = Counter(
    "minyi_sms_sent",
    "SMS the provider accepted and the outbox recorded as sent.",
)
SMS_FAILED = Counter(
    "minyi_sms_failed",
    "SMS given up for good: every attempt failed (MINYI_SMS_MAX_ATTEMPTS).",
)
SMS_SEND_ERRORS = Counter(
    "minyi_sms_send_errors",
    "Failed SMS attempts (the message waits for its retry, or is given up).",
)

SLA_SCAN_SECONDS = Histogram(
    "minyi_sla_scan_duration_seconds",
    "How long a completed SLA scan took.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)
SLA_SCAN_MARKS = Counter(
    "minyi_sla_scan_marks",
    "Orders the SLA scan marked, by the warning it gave them.",
    ["level"],
)
for _level in ("yellow", "red"):
    SLA_SCAN_MARKS.labels(_level)  # both series exist from the start, at 0

CTI_WEBHOOK_SECONDS = Histogram(
    "minyi_cti_webhook_duration_seconds",
    "Time the app spent on one POST /api/cti/events (from the view's start to its answer).",
    # the target is a 10 ms p99 (README, "Caller identification"); alert above 50 ms
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)

HTTP_REQUEST_SECONDS = Histogram(
    "minyi_http_request_duration_seconds",
    "Requests by the URL pattern's name and the status class, through the whole middleware.",
    ["view", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
