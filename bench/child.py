"""Run a bench section in a process of its own, bounded in time, and say how it ended.

A section that hangs (a server that never answers, a lock never granted) must not hang
``make bench``: every child gets a timeout, runs in its own process group (so a uvicorn it
started dies with it) and ends in one of three ways, its exit code being the contract:

- ``0``: it ran and every figure met its target;
- ``1`` (``MISSED``): it ran to the end, some figure missed its target;
- ``2`` (``BROKE``): it could not measure (an exception, a ``SystemExit`` with a message, a
  timeout). ``guarded`` gives a section's ``main`` these codes: an uncaught exception would
  otherwise exit with 1 and read as a missed target.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OK, MISSED, BROKE = 0, 1, 2
# A whole section, its own load included: the quick run's longest takes about a minute on an idle
# machine; the full run's ledger section loads 1,000,000 orders (about 14 minutes at load 6).
QUICK_TIMEOUT = 900
FULL_TIMEOUT = 3 * 3600


@dataclass
class Outcome:
    """How a section ended: ``code`` is OK, MISSED or BROKE; ``why`` says what broke (or, with
    OK, why nothing was measured: the peer not available)."""

    name: str
    code: int
    why: str = ""

    @property
    def summary(self) -> str:
        if self.code == OK:
            return self.why or "ran, every target met"
        if self.code == MISSED:
            return "ran, a figure missed its target"
        return f"FAILED: {self.why}"


class Stopped(BaseException):
    """SIGTERM (``timeout`` in CI): not a figure's failure, so ``attempt`` lets it through, and
    ``run`` ends the section it waits for (its own process group) before the bench exits."""


def stop_on_term() -> None:
    def stop(signum, frame):
        raise Stopped(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)


def guarded(main: Callable[[], int | None]) -> int:
    """``main()``'s exit code within the contract above: 0/1 as returned, 2 if it raised."""
    try:
        code = main()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or OK
            return code if code in (OK, MISSED) else BROKE
        print(f"FAILED: {exc.code}", file=sys.stderr, flush=True)
        return BROKE
    except BaseException:  # noqa: BLE001 - any failure is "the bench broke", said on stderr
        traceback.print_exc()
        print("FAILED: the section raised (traceback above)", file=sys.stderr, flush=True)
        return BROKE
    return OK if code in (None, OK) else MISSED if code == MISSED else BROKE


def run(
    name: str, argv: list[str], *, timeout: float, cwd: Path = ROOT, env: dict | None = None
) -> Outcome:
    """Run ``argv`` (from the repository root unless ``cwd``); its outcome.

    Its output goes straight to ours. On timeout the whole process group is ended: TERM, then
    KILL 10 s later."""
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, start_new_session=True)
    except OSError as exc:
        return Outcome(name, BROKE, f"could not start: {exc}")
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end_group(proc)
        return Outcome(name, BROKE, f"no end within {timeout:.0f} s (timed out, stopped)")
    except BaseException:  # Ctrl-C: take the section's processes down with us
        _end_group(proc)
        raise
    if code in (OK, MISSED):
        return Outcome(name, code)
    if code < 0:
        return Outcome(name, BROKE, f"killed by signal {-code}")
    return Outcome(name, BROKE, f"exit status {code}")


def spawn(script: str, *, quick: bool, results: bool, takes_quick: bool = True) -> Outcome:
    """Run ``bench/<script>`` as ``bench/run.py`` does (``--quick`` when it ``takes_quick``,
    ``--no-results``), bounded by the quick or the full timeout; how it ended."""
    args = [sys.executable, str(ROOT / "bench" / script)]
    args += ["--quick"] if quick and takes_quick else []
    args += [] if results else ["--no-results"]
    outcome = run(script, args, timeout=QUICK_TIMEOUT if quick else FULL_TIMEOUT)
    if outcome.code == BROKE:
        print(f"  {script}: {outcome.summary}", flush=True)
    return outcome


def _end_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def attempt(name: str, fn: Callable, *args, **kwargs) -> tuple[object | None, Outcome]:
    """``fn(*args, **kwargs)`` for a figure measured in this process: its value and OK, or
    ``None`` and BROKE with the reason (printed with its traceback) so that the run goes on."""
    try:
        return fn(*args, **kwargs), Outcome(name, OK, "ran")
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported; the next figure runs
        traceback.print_exc()
        why = (f"{type(exc).__name__}: {exc}".strip().splitlines() or ["?"])[0][:300]
        print(f"  {name}: FAILED: {why}", flush=True)
        _reset_connections()
        return None, Outcome(name, BROKE, why)


def _reset_connections() -> None:
    """Drop this process's database connections after a failure (one may be mid-transaction)."""
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001, S110 - nothing to reset, or Django not set up
        pass
