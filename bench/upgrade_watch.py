"""What the city notices while ``migrate`` runs (bench/upgrade.py): a probe that reads and writes
one row of each table the migration touches every 20 ms, and a sampler of the locks the migrating
connection holds (``pg_locks``), each on its own connection and thread."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

EVERY = 0.020  # seconds between two probes, and between two samples of pg_locks

# Weakest first (PostgreSQL's table-level lock modes)
LOCK_MODES = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)


@dataclass
class Seen:
    """During one step: the probe's longest round trip (s) and, per table, the strongest lock
    the migration held and for how long (first to last sample)."""

    wait: float = 0.0
    probes: int = 0
    errors: list[str] = field(default_factory=list)
    locks: dict[str, list] = field(default_factory=dict)  # table -> [mode, first, last]

    def lock_text(self) -> str:
        if not self.locks:
            return "none seen"
        parts = []
        for table, (mode, first, last) in sorted(
            self.locks.items(), key=lambda kv: -LOCK_MODES.index(kv[1][0])
        ):
            parts.append(f"{table} {mode.removesuffix('Lock')} {last - first + EVERY:.2f} s")
        return "; ".join(parts)


class Watch:
    """``with watch.step(tables, pid) as seen:`` probes ``tables`` ((table, pk column, pk)) and
    samples ``pid``'s locks until the block ends."""

    def __init__(self, url: str):
        self.url = url
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._seen: Seen | None = None
        self._tables: list[tuple[str, str, object]] = []
        self._pid: int | None = None
        self._inflight: float | None = None
        self._threads = [
            threading.Thread(target=self._probe, daemon=True),
            threading.Thread(target=self._sample, daemon=True),
        ]
        self._ready = threading.Barrier(3, timeout=30)

    def __enter__(self) -> Watch:
        for thread in self._threads:
            thread.start()
        self._ready.wait()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=150)  # a probe waits at most lock_timeout (bench/run.py: 120 s)

    @contextmanager
    def step(self, tables, pid: int):
        seen = Seen()
        with self._lock:
            self._seen, self._tables, self._pid = seen, list(tables), pid
        try:
            yield seen
        finally:
            with self._lock:
                if self._inflight is not None:  # a probe still waiting: it counts so far
                    seen.wait = max(seen.wait, time.perf_counter() - self._inflight)
                self._seen, self._pid = None, None

    def _connect(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def _probe(self) -> None:
        import psycopg
        from psycopg import sql

        with self._connect() as conn:
            self._ready.wait()
            while not self._stop.is_set():
                with self._lock:
                    seen, tables = self._seen, self._tables
                    began = self._inflight = time.perf_counter()
                try:
                    for table, pk, value in tables:
                        t, k = sql.Identifier(table), sql.Identifier(pk)
                        conn.execute(
                            sql.SQL("SELECT * FROM {} WHERE {} = %s").format(t, k), [value]
                        )
                        with conn.transaction(force_rollback=True):
                            conn.execute(
                                sql.SQL("UPDATE {t} SET {k} = {k} WHERE {k} = %s").format(t=t, k=k),
                                [value],
                            )
                except psycopg.Error as exc:  # a lock timeout: counted as the wait it was
                    if seen is not None:
                        seen.errors.append(str(exc).splitlines()[0][:200])
                took = time.perf_counter() - began
                with self._lock:
                    self._inflight = None
                    if seen is not None and seen is self._seen:
                        seen.wait, seen.probes = max(seen.wait, took), seen.probes + 1
                self._stop.wait(max(0.0, EVERY - took))

    def _sample(self) -> None:
        with self._connect() as conn:
            self._ready.wait()
            while not self._stop.is_set():
                with self._lock:
                    seen, pid = self._seen, self._pid
                if seen is not None and pid is not None:
                    rows = conn.execute(
                        "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c "
                        "ON c.oid = l.relation WHERE l.pid = %s AND l.granted "
                        "AND c.relkind IN ('r', 'p') AND c.relnamespace <> "
                        "'pg_catalog'::regnamespace",
                        [pid],
                    ).fetchall()
                    now = time.perf_counter()
                    for table, mode in rows:
                        if mode not in LOCK_MODES:
                            continue
                        held = seen.locks.get(table)
                        if held is None or LOCK_MODES.index(mode) > LOCK_MODES.index(held[0]):
                            seen.locks[table] = [mode, now, now]
                        elif mode == held[0]:
                            held[2] = now
                self._stop.wait(EVERY)
