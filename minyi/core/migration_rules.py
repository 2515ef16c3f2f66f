"""Migrations on big tables: which operations may run while the city works (docs/conventions.md,
"Migrations on big tables").

``migrate`` runs with the web, the worker and the scheduler up (deploy order: back up, migrate,
then restart them). On PostgreSQL most DDL takes ACCESS EXCLUSIVE on its table: no read, no write
until it ends. That is harmless for a catalog-only change (add a nullable column, drop a column,
rename) and a stall of intake for a table rewrite, a full scan or an index build at a million
orders. ``problems()`` walks every migration in order with the schema as it was before it and
names each operation on a big table that would hold such a lock for long, and what to use
instead; ``tests/core/test_migrations_on_big_tables.py`` fails on any not grandfathered below.
``bench/upgrade.py`` measures the same migrations on the bench database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import migrations
from django.db.migrations import operations as ops
from django.db.models import Value
from django.db.models.functions import Now

from minyi.core.migration_ops import AddIndexOnline, RemoveIndexOnline

# Tables that grow with the orders (or faster), "app_label.model": why. The bench's 1M load
# (bench/load.py) fills the first four; the others grow as fast in production.
BIG_TABLES = {
    "orders.workorder": "every order (1,000,000 in the bench)",
    "orders.assignment": "one or more per order (2,000,000 in the bench)",
    "orders.orderevent": "every step of every order (about 5,000,000 in the bench)",
    "ledger.ledgerrow": "one per order (1,000,000 in the bench)",
    "orders.reply": "one per answered order",
    "orders.callback": "one per answered order",
    "orders.attachment": "the files of the orders",
    "intake.intakekey": "one per order (the duplicate check)",
    "intake.intaketerm": "several per order (the duplicate check)",
    "notify.outboxmessage": "every SMS, kept a year (OUTBOX_KEEP_DAYS)",
    "notify.notice": "every notice to a person, kept a year",
    "calls.calllog": "every call, more than the orders",
    "calls.callevent": "every step of every call",
    "mashang.message": "every 码上找代表 message",
    "mashang.messageevent": "every step of every message",
    "privacy.personaldataaccess": "every view of a phone number, kept two years",
}

# Migrations written before the rule (2026-12) that break it: they ran on every existing database
# already. Checked both ways: one not listed fails the test, and so does a listed one that no
# longer breaks the rule, so the list only shrinks. Never add a new migration here.
GRANDFATHERED = {
    "orders.0002_deadline_indexes",  # CREATE INDEX ×3 on the orders
    "orders.0003_sla_scan_window",  # DROP INDEX ×2, CREATE INDEX on the orders
    "orders.0004_channel_index",  # CREATE INDEX on the orders
    "orders.0010_event_actor_index",  # CREATE INDEX on the events
    "orders.0012_assignment_department_order",  # CREATE INDEX on the assignments
    "orders.0014_event_fk_indexes_dropped",  # DROP INDEX ×2 on the events, by RunPython
    "mashang.0003_message_sender_address",  # CREATE INDEX on the messages
    "notify.0012_notices_open_their_message",  # indexed foreign keys added to outbox and notices
    "privacy.0002_access_log_keeps_the_viewer",  # foreign keys re-created on the access log
}

# Migrations that run code (RunPython, RunSQL), reviewed one by one, "app.migration": why it does
# not hold a big table for long. Code over a big table goes in batches of a few thousand rows,
# each its own transaction (``atomic = False``), and says so here.
_TEMPLATES = "notify.MessageTemplate rows only (a few dozen)"
REVIEWED_CODE = {
    "accounts.0003_accounts_audit_and_no_superusers": "accounts.User only",
    "accounts.0005_mask_numbers_in_admin_history": "admin.LogEntry rows with a number only",
    "deputies.0008_professional_groups": "deputies.Mandate / ProfessionalGroup only",
    "ledger.0003_stats_ui_policy_row": "one StatisticsPolicy row",
    "ledger.0005_rows_fillfactor": "ALTER TABLE SET (fillfactor): catalog only, no rewrite",
    "notify.0002_seed_templates": _TEMPLATES,
    "notify.0003_supervision_words_agree": _TEMPLATES,
    "notify.0004_dispatch_warning_templates": _TEMPLATES,
    "notify.0005_reply_result_texts": _TEMPLATES,
    "notify.0006_escalation_text": _TEMPLATES,
    "notify.0007_tracking_texts": _TEMPLATES,
    "notify.0009_mashang_sms_code": _TEMPLATES,
    "notify.0010_mashang_message_received": _TEMPLATES,
    "notify.0011_mashang_deputy_texts": _TEMPLATES,
    "notify.0013_mashang_reminders": _TEMPLATES,
    "notify.0014_monthly_report_notice": _TEMPLATES,
    "notify.0015_suggestion_texts": _TEMPLATES,
    "notify.0016_order_merged_text": _TEMPLATES,
    "reference.0002_seed_policy": "the reference tables' seed rows",
    "reference.0003_dispatch_limit_and_clock_starts": "reference.TimeLimitRule rows",
    "suggestions.0003_lifecycle": "the suggestions (hundreds a year), one by one",
    "workdays.0002_seed_calendar": "the calendar's seed rows",
    "workdays.0004_provisional_make_up_days_off": "the calendar's rows",
}

USE_INDEX_ONLINE = "AddIndexOnline (minyi.core.migration_ops: CONCURRENTLY, `atomic = False`)"
NEW_COLUMN = (
    "add a new nullable column, fill it in batches (a RunPython reviewed in REVIEWED_CODE), "
    "switch the code to it, drop the old column in a later release"
)


@dataclass(frozen=True)
class Problem:
    migration: str  # "orders.0016_x"
    operation: str  # Django's description of it
    why: str
    instead: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.operation}: {self.why}; instead: {self.instead}"


def big(app_label: str, model_name: str | None) -> bool:
    return bool(model_name) and f"{app_label}.{model_name.lower()}" in BIG_TABLES


def model_of(op) -> str | None:
    for attr in ("model_name", "name", "old_name"):
        value = getattr(op, attr, None)
        if isinstance(value, str) and not isinstance(op, (ops.RenameField, ops.RenameIndex)):
            return value
    return getattr(op, "model_name", None)


def _index_note(field) -> str | None:
    if field.primary_key:
        return "a new primary key rewrites the table"
    if field.unique:
        return "a unique column builds its index with writes blocked"
    if getattr(field, "db_index", False):
        return "db_index builds the index with writes blocked"
    return None


def _added_field(op: ops.AddField) -> tuple[str, str] | None:
    field = op.field
    note = _index_note(field)
    if note:
        return note, f"add it with db_index=False / unique=False, then {USE_INDEX_ONLINE}"
    if field.remote_field and getattr(field, "db_constraint", False) and not field.many_to_many:
        return (
            "a foreign key is validated over every row with writes blocked",
            "add it with db_constraint=False and db_index=False, then AddIndexOnline, then "
            "the constraint NOT VALID and VALIDATE CONSTRAINT in a later migration (RunSQL "
            "inside SeparateDatabaseAndState, reviewed in REVIEWED_CODE)",
        )
    default = field.db_default
    if hasattr(default, "resolve_expression") and not isinstance(default, Value | Now):
        return (
            "a db_default expression that may be volatile rewrites the table",
            "a constant db_default (or Now()), or a nullable column filled in batches",
        )
    return None  # nullable, db_default or a constant default: PostgreSQL 11+ writes no row


def _altered_field(old, new) -> tuple[str, str] | None:
    _, old_path, old_args, old_kw = old.deconstruct()
    _, new_path, new_args, new_kw = new.deconstruct()
    # What Django's schema editor ignores (_field_should_be_altered), and the comment
    for attr in {"db_comment", *old.non_db_attrs, *new.non_db_attrs}:
        old_kw.pop(attr, None)
        new_kw.pop(attr, None)
    if old_path != new_path or old_args != new_args:
        return "a new column type rewrites the table", NEW_COLUMN
    changed = {k for k in old_kw.keys() | new_kw.keys() if old_kw.get(k) != new_kw.get(k)}
    if changed and old.remote_field and old_kw.get("db_constraint", True):
        return (
            "Django drops and re-creates the foreign key, checking every row under a lock",
            "SeparateDatabaseAndState: the AlterField as state, the one change as SQL "
            "(orders 0014 does this)",
        )
    changed.discard("default")  # Django keeps no database default for ``default``
    if "null" in changed and not new_kw.get("null"):
        return (
            "SET NOT NULL scans every row with reads and writes blocked",
            "a CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL "
            "(PostgreSQL 12+ uses the valid check instead of the scan)",
        )
    for attr, gained in (("unique", True), ("db_index", True), ("primary_key", True)):
        if attr in changed and bool(new_kw.get(attr)) == gained:
            return f"gaining {attr} builds an index with writes blocked", USE_INDEX_ONLINE
    if "db_constraint" in changed and new_kw.get("db_constraint", True):
        return (
            "a foreign key is validated over every row with writes blocked",
            "the constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration",
        )
    if "max_length" in changed:
        before, after = old_kw.get("max_length"), new_kw.get("max_length")
        if before is not None and (after is None or after > before):
            changed.discard("max_length")  # a longer varchar (or text) needs no rewrite
        else:
            return "a shorter max_length checks every row with writes blocked", NEW_COLUMN
    changed -= {"null", "db_default", "unique", "db_index", "db_constraint", "to"}
    if changed:
        return f"changing {', '.join(sorted(changed))} may rewrite the table", NEW_COLUMN
    return None


def _set_grew(op, state, app_label) -> bool:
    model = state.models.get((app_label, op.name_lower))
    before = set(model.options.get(op.option_name, ())) if model else set()
    return bool(set(op.option_value or ()) - before)


def _operation(op, migration, state) -> tuple[str, str] | None:
    """Why ``op`` (of ``migration``, on a big table) holds a lock for long, and what to use
    instead; None when it does not."""
    app_label = migration.app_label
    if isinstance(op, AddIndexOnline | RemoveIndexOnline):
        if migration.atomic:
            return (
                "CONCURRENTLY cannot run inside the migration's transaction",
                "`atomic = False` on the migration",
            )
        return None
    if isinstance(op, ops.AddIndex):
        return "CREATE INDEX blocks every write while it builds", USE_INDEX_ONLINE
    if isinstance(op, ops.RemoveIndex):
        return "DROP INDEX waits for and blocks every query", "RemoveIndexOnline"
    if isinstance(op, ops.AddField):
        return _added_field(op)
    if isinstance(op, ops.AlterField):
        old = state.models[app_label, op.model_name_lower].fields[op.name]
        return _altered_field(old, op.field)
    if isinstance(op, ops.AddConstraint):
        return (
            "a new constraint checks (or indexes) every row with writes blocked",
            "a unique index by AddIndexOnline; a check constraint NOT VALID then VALIDATE "
            "CONSTRAINT (django.contrib.postgres.operations, PostgreSQL only: wrap for SQLite)",
        )
    if isinstance(op, ops.AlterUniqueTogether | ops.AlterIndexTogether):
        if _set_grew(op, state, app_label):
            return "a new unique/index together builds an index with writes blocked", (
                USE_INDEX_ONLINE
            )
        return None
    if isinstance(op, ops.AlterOrderWithRespectTo):
        return "adds an indexed column", f"a nullable column, then {USE_INDEX_ONLINE}"
    if isinstance(op, _CATALOG_ONLY):
        return None
    return (
        f"{type(op).__name__} is not known to be safe on a big table",
        "teach minyi/core/migration_rules.py about it (with the lock it takes)",
    )


# Operations that change the catalog only (a moment's lock) or build a new, empty table
_CATALOG_ONLY = (
    ops.CreateModel,
    ops.DeleteModel,
    ops.RenameModel,
    ops.RemoveField,
    ops.RenameField,
    ops.RenameIndex,
    ops.RemoveConstraint,
    ops.AlterModelOptions,
    ops.AlterModelManagers,
    ops.AlterModelTable,
    ops.AlterModelTableComment,
)


def describe(op) -> str:
    if isinstance(op, ops.RunPython):
        return f"RunPython({getattr(op.code, '__name__', 'code')})"
    if isinstance(op, ops.RunSQL):
        return f"RunSQL({str(op.sql)[:60]!r})"
    return op.describe()


def runs_code(op) -> bool:
    if isinstance(op, ops.RunPython):
        return op.code is not migrations.RunPython.noop
    if isinstance(op, ops.RunSQL):
        return op.sql not in ("", [], ())
    return False


def database_operations(op):
    if isinstance(op, ops.SeparateDatabaseAndState):
        for inner in op.database_operations:
            yield from database_operations(inner)
    else:
        yield op


def migration_problems(migration, state) -> list[Problem]:
    """What in ``migration`` breaks the rule, given the project ``state`` before it (which this
    moves past the migration)."""
    name = f"{migration.app_label}.{migration.name}"
    found = []
    new_here = set()  # tables this migration creates: empty, nothing to lock for long
    for op in migration.operations:
        for db_op in database_operations(op):
            why = None
            if isinstance(db_op, ops.CreateModel):
                new_here.add(db_op.name_lower)
            if runs_code(db_op):
                if name not in REVIEWED_CODE:
                    why = (
                        "code run by a migration may lock or rewrite a big table",
                        "batches if it touches one; then an entry in "
                        "minyi/core/migration_rules.py's REVIEWED_CODE saying why it is short",
                    )
            elif big(migration.app_label, model_of(db_op)) and (
                model_of(db_op).lower() not in new_here
            ):
                why = _operation(db_op, migration, state)
            if why:
                found.append(Problem(name, describe(db_op), *why))
        op.state_forwards(migration.app_label, state)
    return found


def touches_big_table(migration) -> bool:
    """Whether ``migration`` changes a big table's schema or runs code (which may touch one)."""
    return any(
        runs_code(db_op) or big(migration.app_label, model_of(db_op))
        for op in migration.operations
        for db_op in database_operations(op)
    )


def plan():
    """Every migration on disk (Django's and the packages' too), in the order ``migrate``
    applies them to an empty database (read from the files: no database needed)."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    seen, ordered = set(), []
    for leaf in sorted(graph.leaf_nodes()):
        for key in graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                ordered.append(graph.nodes[key])
    return ordered


def state_after_all():
    """The schema once every migration on disk has run (a ProjectState, for tests)."""
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def ours(migration) -> bool:
    return type(migration).__module__.startswith("minyi.")


def problems() -> dict[str, list[Problem]]:
    """Every migration's problems, by "app.migration" (only those with one)."""
    from django.db.migrations.state import ProjectState

    state = ProjectState()
    found = {}
    for migration in plan():
        if not ours(migration):
            for op in migration.operations:
                op.state_forwards(migration.app_label, state)
            continue
        listed = migration_problems(migration, state)
        if listed:
            found[f"{migration.app_label}.{migration.name}"] = listed
    return found
