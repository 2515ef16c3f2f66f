"""The bench's harness (issue 13): a section that breaks or hangs ends with a reason and the run
goes on; the exit status tells "a figure missed its target" (1) from "the bench broke" (2); the
peer's section says why when the peer is not there; every section's header names its
conditions."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import child, peer, report, run


def script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "section.py"
    path.write_text(body)
    return [sys.executable, str(path)]


# -- a section's exit status -----------------------------------------------------------------------


def test_a_section_that_raises_exits_2_not_1_so_it_is_not_read_as_a_missed_target():
    def main():
        raise RuntimeError("the server never came up")

    assert child.guarded(main) == child.BROKE


def test_a_section_that_stops_with_a_message_broke_and_one_that_returns_1_missed_a_target():
    def stops():
        raise SystemExit("uvicorn did not answer within 30 s")

    assert child.guarded(stops) == child.BROKE
    assert child.guarded(lambda: 1) == child.MISSED
    assert child.guarded(lambda: 0) == child.OK
    assert child.guarded(lambda: 7) == child.BROKE


def test_a_section_that_hangs_is_ended_at_its_timeout_with_the_processes_it_started(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    argv = script(
        tmp_path,
        "import subprocess, time\n"
        "p = subprocess.Popen(['sleep', '120'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(120)\n",
    )

    began = time.monotonic()
    outcome = child.run("hangs", argv, timeout=5)  # a busy CI machine starts Python slowly

    assert outcome.code == child.BROKE
    assert "no end within 5 s" in outcome.why
    assert time.monotonic() - began < 30
    grandchild = int(pid_file.read_text())
    for _ in range(50):  # the group got TERM; the sleep may take a moment to be reaped
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the section's own child outlived its timeout")


def test_sigterm_ends_the_section_being_waited_for_and_the_bench_exits_2(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    section = (
        "import subprocess, time\n"
        "p = subprocess.Popen(['sleep', '120'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(120)\n"
    )
    bench = script(
        tmp_path,
        f"import sys\nsys.path.insert(0, {str(Path(child.__file__).parent.parent)!r})\n"
        "from bench import child\n"
        "child.stop_on_term()\n"
        f"argv = [sys.executable, '-c', {section!r}]\n"
        "sys.exit(child.guarded(lambda: child.run('s', argv, timeout=300).code))\n",
    )
    proc = subprocess.Popen(bench, stderr=subprocess.PIPE)
    for _ in range(300):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.1)
    grandchild = int(pid_file.read_text())

    proc.send_signal(signal.SIGTERM)

    assert proc.wait(timeout=60) == child.BROKE
    assert b"Stopped: signal 15" in proc.stderr.read()
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(grandchild, 0)
            time.sleep(0.1)


def test_a_section_that_exits_otherwise_says_so(tmp_path):
    outcome = child.run("crashes", script(tmp_path, "import os; os._exit(3)"), timeout=30)

    assert (outcome.code, outcome.why) == (child.BROKE, "exit status 3")


def test_a_figure_measured_in_process_that_raises_is_reported_and_the_run_goes_on():
    def scan():
        raise ValueError("canceling statement due to lock timeout")

    value, outcome = child.attempt("sla_scan", scan)

    assert value is None
    assert outcome.code == child.BROKE
    assert outcome.summary == "FAILED: ValueError: canceling statement due to lock timeout"


# -- the whole run's exit status -------------------------------------------------------------------


def finish(*codes: int, no_judge: bool = False) -> int:
    outcomes = [child.Outcome(f"part {k}", code, "why") for k, code in enumerate(codes)]
    return run.finish(outcomes, argparse.Namespace(no_judge=no_judge), time.perf_counter())


def test_the_run_exits_1_when_a_figure_missed_its_target_and_0_with_no_judge():
    assert finish(child.OK, child.MISSED) == 1
    assert finish(child.OK, child.MISSED, no_judge=True) == 0
    assert finish(child.OK, child.OK) == 0


def test_the_run_exits_2_when_a_part_broke_whatever_the_others_and_even_with_no_judge():
    assert finish(child.MISSED, child.BROKE) == 2
    assert finish(child.OK, child.BROKE, no_judge=True) == 2


def test_a_figure_that_could_not_be_measured_breaks_the_table_and_a_slow_one_misses():
    rows = [("1. create", "9 orders/s", "≥ 10/s", "FAIL"), ("4. due", "80,000/s", "", "pass")]
    assert report.outcome_of("figures", rows).code == child.MISSED

    rows.append(report.failed_row("3. sla_scan", "lock timeout"))
    outcome = report.outcome_of("figures", rows)
    assert outcome.code == child.BROKE
    assert "3. sla_scan" in outcome.why


# -- the peer --------------------------------------------------------------------------------------


@pytest.fixture
def quiet_machine(monkeypatch):
    """The header's machine without a PostgreSQL to ask (the unit tests run on SQLite too)."""
    real = report.machine
    monkeypatch.setattr(report, "machine", lambda database=True: real(database=False))


def test_without_the_peer_its_section_says_why_and_the_run_goes_on(
    tmp_path, monkeypatch, quiet_machine
):
    monkeypatch.setenv("MINYI_PEER_DIR", str(tmp_path))

    helpdesk = peer.Peer.find(quick=True)
    helpdesk.run("create")  # nothing to run: no error, no figure
    section = helpdesk.render({1: 120.0}, None, None)

    assert f"peer not available: no bench.py in {tmp_path}" in section
    assert helpdesk.outcome({1: 120.0}).code == child.OK
    assert section.startswith("<!-- peer -->") and section.rstrip().endswith("<!-- /peer -->")


def test_beside_the_peer_a_create_rate_under_twice_its_own_misses_the_target(quiet_machine):
    helpdesk = peer.Peer(Path("/nowhere"), Path("/nowhere"), quick=True)
    helpdesk.figures["create.form"] = {"tickets_per_s": 60.0, "n": 300, "p95_ms": 20.0}

    assert helpdesk.outcome({1: 90.0}).code == child.MISSED
    assert helpdesk.outcome({1: 130.0}).code == child.OK
    section = helpdesk.render({1: 90.0}, None, None)
    assert "| 1.50× | ≥ 2× | FAIL |" in section


def test_a_peer_case_that_fails_once_started_breaks_the_bench(tmp_path, quiet_machine):
    (tmp_path / "bench.py").write_text("import sys; sys.exit(4)\n")
    helpdesk = peer.Peer(tmp_path, Path(sys.executable).parent.parent, quick=True)

    helpdesk.run("create")

    assert helpdesk.failed == {"create": "exit status 4"}
    assert helpdesk.outcome({1: 130.0}).code == child.BROKE
    assert "The peer's `create` FAILED: exit status 4." in helpdesk.render({1: 1.0}, None, None)


# -- the header of every section -------------------------------------------------------------------


def test_every_section_opens_with_its_commit_date_load_average_and_machine():
    line = report.Stamp().header(database=False, quick=True)

    assert line.startswith("Run 20")
    assert "北京时间 at commit " in line
    assert "1-minute load average " in line and " before, " in line and " after; " in line
    assert " CPUs (" in line and " RAM, " in line


def test_the_commit_says_dirty_when_the_tree_has_uncommitted_changes(monkeypatch):
    commit = report.commit()

    assert commit == "unknown" or commit.split("+")[0].isalnum()
    assert commit.endswith("+dirty") or "+" not in commit
