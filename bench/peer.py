"""The peer beside ours: django-helpdesk 2.6.1, measured by its own harness in the same run.

The peer's harness lives outside this repository (``<repo>/../shared/peers/helpdesk``, or
``MINYI_PEER_DIR``); its README says how it measures. Its code is not copied here: this module
only calls ``bench.py run`` in the peer's own virtualenv (``MINYI_PEER_VENV``, default
``/tmp/hd-venv``, built from the peer's pinned ``requirements.txt`` when missing) against the same
PostgreSQL (database ``helpdesk_bench``, dropped and recreated by the peer for each case), and
reads the figures it appends to its JSONL file (the same as its ``FIGURE`` lines).

``bench/run.py`` runs the peer's ``create`` (the staff form path, ``create.form``) right after our
figure 1, so that both are measured under the same load, and its ``list`` and ``escalate`` after
our list pages; the section ``peer`` of RESULTS.md sets them side by side. When the peer or its
virtualenv is missing or cannot be built, the section says so and the run goes on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import child
from bench.report import Stamp

ROOT = Path(__file__).resolve().parent.parent
MARK = "peer"
# MINYI_PEER_DATABASE_URL: another database, so that two bench runs on one PostgreSQL (CI's quick
# one and a full one) do not drop each other's
DATABASE = (
    os.environ.get("MINYI_PEER_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
)
# The cases' options (``bench.py run -h``): (full run, --quick).
OPTIONS = {
    "create": (
        ["--create-n", "2000", "--create-paths", "form"],
        ["--create-n", "300", "--create-paths", "form"],
    ),
    "list": (
        ["--list-sizes", "100000", "--budget-s", "300"],
        ["--list-sizes", "10000", "--budget-s", "120"],
    ),
    "escalate": (["--escalate-n", "5000"], ["--escalate-n", "500"]),
}
CASE_TIMEOUT = (1800, 600)  # seconds per case, its migrations and load included (full, quick)
VENV_TIMEOUT = 900  # seconds to build the virtualenv from the package registry
TARGET_CREATE_RATIO = 2.0  # issue 13: create + accept + dispatch at least 2× helpdesk's form path
# The environment the peer's process gets: none of ours (our settings module and database URL
# would otherwise be read by its manage.py), only what a shell and libpq need.
PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "PGOPTIONS")


def peer_dir() -> tuple[Path | None, str]:
    """The peer's folder and, when there is none, why: ``MINYI_PEER_DIR``, else
    ``../shared/peers/helpdesk`` beside the repository (or beside the main checkout of a
    worktree, or beside the local repository a clone came from)."""
    if os.environ.get("MINYI_PEER_DIR"):
        found = Path(os.environ["MINYI_PEER_DIR"])
        return (found, "") if (found / "bench.py").is_file() else (None, f"no bench.py in {found}")
    candidates = [ROOT.parent / "shared" / "peers" / "helpdesk"]
    # A worktree's main checkout, and the local repository a fresh clone was cloned from.
    for ask in (
        ["rev-parse", "--path-format=absolute", "--git-common-dir"],
        ["remote", "get-url", "origin"],
    ):
        try:
            answer = subprocess.run(
                ["git", *ask], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        repo = Path(answer.removeprefix("file://"))
        if answer and repo.is_absolute() and repo.exists():
            repo = repo.parent if repo.name == ".git" else repo
            candidates.append(repo.parent / "shared" / "peers" / "helpdesk")
    for found in candidates:
        if (found / "bench.py").is_file():
            return found, ""
    return None, f"no {candidates[0]} (set MINYI_PEER_DIR to the peer's folder)"


def peer_env() -> dict:
    return {k: os.environ[k] for k in PASSED_ENV if k in os.environ}


def ensure_venv(folder: Path, venv: Path) -> str:
    """Make ``venv`` hold the peer's pinned requirements; '' when it does, else why not."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import django, helpdesk, psycopg"]

    def importable() -> bool:
        try:
            return subprocess.run(probe, capture_output=True, timeout=120).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False

    if python.exists() and importable():
        return ""
    print(f"  building the peer's virtualenv {venv} from its requirements.txt", flush=True)
    base = getattr(sys, "_base_executable", None) or sys.executable
    steps = [] if python.exists() else [[base, "-m", "venv", str(venv)]]
    steps.append(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r",
         str(folder / "requirements.txt")]
    )  # fmt: skip
    for step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, timeout=VENV_TIMEOUT, env=peer_env()
            )
        except subprocess.TimeoutExpired:
            return f"building its virtualenv took over {VENV_TIMEOUT} s"
        except OSError as exc:
            return f"could not build its virtualenv: {exc}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
            return f"could not build its virtualenv ({' '.join(step[1:3])}): {tail[0][:200]}"
    return "" if importable() else f"{venv} cannot import django, helpdesk and psycopg"


class Peer:
    """One run of the peer's cases; ``why`` is set when the peer is not available."""

    def __init__(self, folder: Path | None, venv: Path, *, quick: bool, why: str = ""):
        self.folder, self.venv, self.quick, self.why = folder, venv, quick, why
        self.figures: dict[str, dict] = {}  # "create.form", "list.datatables", … → its JSON
        self.failed: dict[str, str] = {}  # case → why it failed
        self.stamp = Stamp()

    @classmethod
    def find(cls, *, quick: bool, skip: bool = False) -> Peer:
        venv = Path(os.environ.get("MINYI_PEER_VENV") or "/tmp/hd-venv")
        if skip:
            return cls(None, venv, quick=quick, why="not run (--no-peer)")
        folder, why = peer_dir()
        if folder is not None:
            why = ensure_venv(folder, venv)
        if why:
            print(f"  peer not available: {why}", flush=True)
        return cls(folder, venv, quick=quick, why=why)

    def run(self, case: str) -> None:
        """Run one case of the peer's bench.py (bounded); keep its figures or why it failed."""
        if self.why:
            return
        print(f"== the peer: django-helpdesk, case {case} (its bench.py)", flush=True)
        with tempfile.TemporaryDirectory(prefix="minyi-peer-") as tmp:
            out = Path(tmp) / "figures.jsonl"
            argv = [str(self.venv / "bin" / "python"), "bench.py", "run", "--db", DATABASE]
            argv += ["--cases", case, *OPTIONS[case][self.quick], "--out", str(out)]
            outcome = child.run(
                f"peer {case}",
                argv,
                timeout=CASE_TIMEOUT[self.quick],
                cwd=self.folder,
                env=peer_env(),
            )
            if outcome.code != child.OK:
                self.failed[case] = outcome.why or f"exit status {outcome.code}"
                print(f"  peer {case}: FAILED: {self.failed[case]}", flush=True)
                return
            lines = out.read_text().splitlines() if out.exists() else []
        for line in lines:
            figure = json.loads(line)
            self.figures[figure["case"]] = figure
        if not any(name.split(".")[0] == case for name in self.figures):
            self.failed[case] = "it printed no figure"

    def create_ratio(self, services: dict | None) -> float | None:
        ours = (services or {}).get(1)
        theirs = self.figures.get("create.form", {}).get("tickets_per_s")
        return ours / theirs if ours and theirs else None

    def outcome(self, services: dict | None = None) -> child.Outcome:
        if self.why:
            return child.Outcome("peer", child.OK, f"peer not available: {self.why}")
        if self.failed:
            why = "; ".join(f"{case}: {why}" for case, why in self.failed.items())
            return child.Outcome("peer", child.BROKE, why)
        ratio = self.create_ratio(services)
        missed = ratio is not None and ratio < TARGET_CREATE_RATIO
        return child.Outcome("peer", child.MISSED if missed else child.OK)

    def render(self, services: dict | None, lists: list | None, scan: dict | None) -> str:
        lines = [
            f"<!-- {MARK} -->",
            "## Beside the peer: django-helpdesk 2.6.1 in the same run (issue 13)",
            "",
            self.stamp.header(),
            "",
        ]
        if self.why:
            lines += [f"peer not available: {self.why}.", f"<!-- /{MARK} -->", ""]
            return "\n".join(lines)
        sizes = {case: " ".join(OPTIONS[case][self.quick]) for case in OPTIONS}
        lines += [
            "The peer's own harness (`../shared/peers/helpdesk/bench.py run`, its virtualenv "
            f"`{self.venv}`) on the same PostgreSQL, database `{DATABASE.rsplit('/', 1)[-1]}`, in this run: "
            f"`create` ({sizes['create']}) right after our figure 1, `list` ({sizes['list']}) and "
            f"`escalate` ({sizes['escalate']}) after our list pages. Its figures are from one "
            "process with Django's test client in-process, as ours are.",
            "",
            "| work | Minyi | django-helpdesk | Minyi ÷ helpdesk | target | result |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [f"| {' | '.join(row)} |" for row in self.rows(services, lists, scan)]
        for case, why in self.failed.items():
            lines.append(f"\nThe peer's `{case}` FAILED: {why}.")
        lines += [f"<!-- /{MARK} -->", ""]
        return "\n".join(lines)

    def rows(self, services, lists, scan) -> list[tuple[str, ...]]:
        def theirs(name: str) -> dict:
            return self.figures.get(name) or {}

        rows = []
        create, ratio = theirs("create.form"), self.create_ratio(services)
        ours = (services or {}).get(1)
        rows.append(
            (
                "create and dispatch, 1 process",
                f"{ours:,.1f} orders/s (create + accept + dispatch)" if ours else "no figure",
                f"{create['tickets_per_s']:,.1f} tickets/s (`create.form`, {create['n']:,} "
                f"tickets, p95 {create['p95_ms']:.1f} ms)"
                if create
                else "no figure",
                f"{ratio:.2f}×" if ratio else "—",
                f"≥ {TARGET_CREATE_RATIO:g}×",
                "—" if ratio is None else "pass" if ratio >= TARGET_CREATE_RATIO else "FAIL",
            )
        )
        ledger = dict(lists or []).get("联工委 台账 第1页")
        table, page = theirs("list.datatables"), theirs("list.page")
        rows.append(
            (
                "the list a reader opens first",
                f"ledger page 1 (联工委 台账 第1页, whole page): p50 {ledger['p50']:.1f} ms, p95 "
                f"{ledger['p95']:.1f} ms"
                if ledger
                else "no figure",
                f"ticket list at {table['tickets']:,} open tickets: DataTables JSON p50 "
                f"{table['median_ms']:,.1f} ms, p95 {table['p95_ms']:,.1f} ms ({table['queries']} "
                f"queries) after the page's {page.get('median_ms', 0):.1f} ms"
                if table
                else "no figure",
                f"{ledger['p95'] / (table['p95_ms'] + page.get('p95_ms', 0)):.3f}× the time"
                if ledger and table
                else "—",
                "—",
                "info",
            )
        )
        escalate = theirs("escalate")
        marks = None
        if scan:
            yellow, red, seconds = scan["peak"]
            marks = (yellow + red) / seconds if seconds else None
        rows.append(
            (
                "deadline scan",
                f"sla_scan midnight peak: {marks:,.0f} orders marked/s ({scan['open']:,} open)"
                if marks
                else "no figure",
                f"escalate_tickets: {escalate['tickets_per_s']:,.1f} tickets/s "
                f"({escalate['escalated']:,} escalated in {escalate['elapsed_s']:.1f} s)"
                if escalate
                else "no figure",
                f"{marks / escalate['tickets_per_s']:,.0f}×" if marks and escalate else "—",
                "—",
                "info",
            )
        )
        return rows
