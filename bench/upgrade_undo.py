"""What bench/upgrade.py may undo and redo on a database that must end as it began: a migration
whose undoing loses nothing (an index, a constraint, table options, renames, code whose reverse is
known to be exact, a column or a table holding no value), and why each other one is left out."""

from __future__ import annotations

# Code in a migration whose reverse restores the database exactly (so the bench may undo it)
EXACT_REVERSE = {
    "orders.0003_sla_scan_window": "sets and resets the orders' fillfactor",
    "orders.0014_event_fk_indexes_dropped": "drops the events' two indexes; back: builds them",
    "ledger.0005_rows_fillfactor": "sets and resets the ledger rows' fillfactor",
}


def migration_label(migration) -> str:
    return f"{migration.app_label}.{migration.name}"


def _has_rows(table: str, where: str = "") -> bool:
    from django.db import connection

    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {quoted} {where})")  # noqa: S608 - our names
        return bool(cur.fetchone()[0])


def _table(state, app_label: str, model_name: str) -> str:
    model = state.models[app_label, model_name.lower()]
    return model.options.get("db_table") or f"{app_label}_{model_name.lower()}"


def _loses(op, migration, state) -> str | None:
    """What undoing ``op`` (of ``migration``, with ``state`` the schema before it) would lose or
    change for good; None when the undo and the redo leave the database as it was."""
    from django.db import connection
    from django.db.migrations import operations as ops

    from minyi.core import migration_rules as rules

    app = migration.app_label
    if not op.reversible:
        return f"{rules.describe(op)} cannot be undone"
    if rules.runs_code(op):
        if migration_label(migration) in EXACT_REVERSE:
            return None
        return (
            f"{rules.describe(op)} runs code whose reverse is not known to restore the rows exactly"
        )
    if isinstance(op, ops.AddField):
        table = _table(state, app, op.model_name)
        field = op.field.clone()
        field.set_attributes_from_name(op.name)
        column = connection.ops.quote_name(field.column)
        if _has_rows(table, f"WHERE {column} IS NOT NULL"):
            return f"undoing it drops the column {table}.{field.column} and its values"
        return None
    if isinstance(op, ops.CreateModel):
        table = op.options.get("db_table") or f"{app}_{op.name_lower}"
        return f"undoing it drops the table {table} and its rows" if _has_rows(table) else None
    if isinstance(op, ops.RemoveField):
        old = state.models[app, op.model_name_lower].fields[op.name]
        if old.null or _has_rows(_table(state, app, op.model_name)) is False:
            return None
        return f"undoing it adds the NOT NULL column {op.name} back to a table with rows"
    if isinstance(op, ops.AlterField):
        old = state.models[app, op.model_name_lower].fields[op.name]
        if _db_shape(old) != _db_shape(op.field):
            return f"undoing {op.describe()} alters the column back (a rewrite, or a failure)"
        return None
    if isinstance(op, _exact_ops()):
        return None
    return f"{type(op).__name__} is not known to be undone exactly"


def _db_shape(field):
    _, path, args, kwargs = field.deconstruct()
    for attr in {"db_comment", "default", *field.non_db_attrs}:
        kwargs.pop(attr, None)
    return path, args, kwargs


def _exact_ops():
    from django.db.migrations import operations as ops

    return (
        ops.AddIndex,  # AddIndexOnline / RemoveIndexOnline are AddIndex / RemoveIndex too
        ops.RemoveIndex,
        ops.RenameIndex,
        ops.AddConstraint,
        ops.RemoveConstraint,
        ops.AlterUniqueTogether,
        ops.AlterIndexTogether,
        ops.AlterModelOptions,
        ops.AlterModelManagers,
        ops.AlterModelTable,
        ops.AlterModelTableComment,
        ops.RenameField,
        ops.RenameModel,
        ops.DeleteModel,
    )


def undo_loses(migration, state) -> str | None:
    """Why undoing ``migration`` (``state``: the schema before it) would not leave the database
    as it was (None: it would)."""
    from minyi.core import migration_rules as rules

    for op in migration.operations:
        for db_op in rules.database_operations(op):
            why = _loses(db_op, migration, state)
            if why:
                return why
        op.state_forwards(migration.app_label, state)
    return None


def _undo_loses_any(executor, target) -> str | None:
    """Why migrating back to ``target`` would not leave the database as it was."""
    for migration, _ in executor.migration_plan([target]):
        key = (migration.app_label, migration.name)
        reason = undo_loses(migration, executor.loader.project_state(key, at_end=False))
        if reason:
            return f"undoing {migration_label(migration)}: {reason}"
    return None


def parent_of(graph, app: str, name: str) -> str | None:
    parents = [p for p in graph.node_map[app, name].parents if p.key[0] == app]
    return parents[0].key[1] if parents else None


def choose(count: int, only: list[str] | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """The migrations to measure, ``(app, name)`` newest first within each app, and a note for
    each one left out and why."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from minyi.core import migration_rules as rules

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    unapplied = [migration_label(m) for m, _ in executor.migration_plan(graph.leaf_nodes())]
    if unapplied:
        raise SystemExit(f"the database is not fully migrated: {', '.join(unapplied)}")
    ours = [m for m in rules.plan() if rules.ours(m)]
    if only:
        wanted = {tuple(label.split(".", 1)) for label in only}
        unknown = wanted - {(m.app_label, m.name) for m in ours}
        if unknown:
            raise SystemExit(f"no such migration: {', '.join('.'.join(k) for k in unknown)}")
        candidates = [m for m in ours if (m.app_label, m.name) in wanted]
    else:
        owners = {label.split(".")[0] for label in rules.BIG_TABLES}
        candidates = [m for m in ours if m.app_label in owners and rules.touches_big_table(m)]
    chosen, notes = [], []
    for app in dict.fromkeys(m.app_label for m in candidates):
        taken = 0
        for migration in reversed([m for m in candidates if m.app_label == app]):
            if not only and taken == count:
                break
            parent = parent_of(graph, app, migration.name)
            if parent is None:
                notes.append(
                    f"{migration_label(migration)}: not measured: undoing it drops the app's tables"
                )
                break
            why = _undo_loses_any(executor, (app, parent))
            if why:
                notes.append(f"{migration_label(migration)}: not measured: {why}")
                break  # an older one would undo this one too
            chosen.append((app, migration.name))
            taken += 1
    return chosen, notes
