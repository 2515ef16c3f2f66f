"""Every change to the deputy registry: imports, exports (logged, they carry personal data),
ending a mandate, and a deputy's numbers (added, replaced, made primary, removed). Each writes
one ``RegistryChange`` audit row, with numbers masked (the auditor reads it)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from django.db import IntegrityError, transaction

from minyi.core import clock, timefmt
from minyi.core.bounds import check_date
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.core.masking import mask_phone
from minyi.deputies.errors import ImportFailed
from minyi.deputies.models import (
    Deputy,
    DeputyPhone,
    Mandate,
    ProfessionalGroup,
    RegistryChange,
    RegistryChangeKind,
)
from minyi.deputies.phones import normalize_phone
from minyi.deputies.registry import writer
from minyi.deputies.registry.parser import SheetRow, read_rows
from minyi.deputies.registry.plan import PersonPlan, build_plan

__all__ = [
    "ImportFailed",
    "ImportResult",
    "deputies_export",
    "deputies_import",
    "deputy_phone_add",
    "deputy_phone_remove",
    "deputy_phone_replace",
    "deputy_phone_set_primary",
    "mandate_end",
]


@dataclass(frozen=True)
class ImportResult:
    rows: int
    deputies_created: int
    deputies_matched: int
    mandates_created: int
    mandates_updated: int
    mandates_unchanged: int
    phones_added: int
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.deputies_created
            or self.mandates_created
            or self.mandates_updated
            or self.phones_added
        )

    @property
    def summary(self) -> str:
        head = "校验通过（未保存）：将" if self.dry_run else ""
        return (
            f"{head}新增 {self.deputies_created} 人、新增代表资格 {self.mandates_created} 个、"
            f"更新 {self.mandates_updated} 个（未变 {self.mandates_unchanged} 个，"
            f"新增号码 {self.phones_added} 个，共 {self.rows} 行）"
        )


def registry_change_record(
    *, kind: str, actor, summary: str, details: dict | None = None
) -> RegistryChange:
    return RegistryChange.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        summary=summary[:300],
        details=details or {},
    )


def _count(persons: list[PersonPlan], rows: int, *, dry_run: bool) -> ImportResult:
    mandates = [m for p in persons for m in p.mandates]
    return ImportResult(
        rows=rows,
        deputies_created=sum(p.deputy_id is None for p in persons),
        deputies_matched=sum(p.deputy_id is not None for p in persons),
        mandates_created=sum(m.existing is None for m in mandates),
        mandates_updated=sum(bool(m.existing and m.changes) for m in mandates),
        mandates_unchanged=sum(bool(m.existing and not m.changes) for m in mandates),
        # a new person's numbers count as the person, not as added numbers
        phones_added=sum(len(p.new_numbers) for p in persons if p.deputy_id is not None),
        dry_run=dry_run,
    )


def _apply(persons: list[PersonPlan]) -> None:
    """Write the plan: new deputies, their numbers, new mandates, changed mandates."""
    new = [p for p in persons if p.deputy_id is None]
    deputies = Deputy.objects.bulk_create([Deputy(name=p.name) for p in new])
    for person, deputy in zip(new, deputies, strict=True):
        person.deputy_id = deputy.pk
    phones, mandates = [], []
    reactivate = set()
    for person in persons:
        fresh = person in new
        for i, number in enumerate(person.new_numbers):
            phones.append(
                DeputyPhone(
                    deputy_id=person.deputy_id,
                    number=number,
                    raw=person.numbers[number][:40],
                    is_primary=fresh and i == 0,
                )
            )
        for plan in person.mandates:
            row = plan.row
            if plan.existing is None:
                mandates.append(
                    Mandate(
                        deputy_id=person.deputy_id,
                        congress=row.congress,
                        level=row.level,
                        term=row.term,
                        delegation=row.delegation,
                        professional_group=row.group,
                        station=row.station,
                    )
                )
                reactivate.add(person.deputy_id)
            elif changes := plan.changes:
                for field, value in changes.items():
                    setattr(plan.existing, field, value)
                plan.existing.save(update_fields=[f.removesuffix("_id") for f in changes])
    DeputyPhone.objects.bulk_create(phones)
    Mandate.objects.bulk_create(mandates)
    # A former deputy given a new seat identifies again.
    Deputy.objects.filter(pk__in=reactivate, is_active=False).update(is_active=True)
    groups_sync(
        (person.deputy_id, plan.row.group)
        for person in persons
        for plan in person.mandates
        if plan.row.group
    )


def groups_sync(members) -> None:
    """Each (deputy id, group name) of the registry's column 专业小组 as a membership of the
    ``ProfessionalGroup`` of that name, created when new. Only adds: a group's members are edited
    in the admin, and a sheet without the column leaves them alone."""
    by_name: dict[str, set[int]] = {}
    for deputy_id, name in members:
        by_name.setdefault(name.strip(), set()).add(deputy_id)
    by_name.pop("", None)
    if not by_name:
        return
    for name in by_name:
        ProfessionalGroup.objects.get_or_create(name=name)
    groups = dict(ProfessionalGroup.objects.filter(name__in=by_name).values_list("name", "pk"))
    through = ProfessionalGroup.deputies.through
    through.objects.bulk_create(
        [
            through(professionalgroup_id=groups[name], deputy_id=deputy_id)
            for name, ids in by_name.items()
            for deputy_id in ids
        ],
        ignore_conflicts=True,
    )


def deputies_import(
    *,
    rows: list[SheetRow] | None = None,
    file: IO[bytes] | None = None,
    filename: str = "",
    actor=None,
    dry_run: bool = False,
) -> ImportResult:
    """Import the registry from template rows (or an uploaded .xlsx/.csv), all or nothing.

    1. Read the file (``filename`` decides the format) unless ``rows`` are given.
    2. Validate every row and plan the changes (``registry.plan``); any error raises
       ``ImportFailed`` with one line per problem, and nothing is written.
    3. Unless ``dry_run``, write the plan and one audit row in a single transaction.
    """
    if rows is None:
        if file is None:
            raise ValueError("deputies_import needs rows or file")
        rows = read_rows(file, filename=filename or getattr(file, "name", ""))
    with transaction.atomic():
        persons, errors = build_plan(rows)
        if errors:
            raise ImportFailed(errors)
        result = _count(persons, len(rows), dry_run=dry_run)
        if dry_run:
            return result
        try:
            with transaction.atomic():
                _apply(persons)
        except IntegrityError:
            # Only a concurrent import or edit of the same numbers or mandates gets here.
            raise ImportFailed(
                ["代表名单在导入过程中被他人修改（号码或代表资格冲突），请稍后重新导入。"]
            ) from None
        registry_change_record(
            kind=RegistryChangeKind.IMPORT,
            actor=actor,
            summary=f"{Path(filename).name or '导入'}：{result.summary}",
            details={"file": Path(filename).name, **result.__dict__},
        )
    return result


def deputies_export(
    *,
    out: IO,
    fmt: str = "xlsx",
    include_ended: bool = False,
    actor=None,
    surface: str = "admin",
    ip: str | None = None,
) -> int:
    """Write the registry in the template's format to ``out`` (bytes for xlsx, text for csv);
    one row per active mandate, or per mandate when ``include_ended``. Returns the row count.

    The file carries every deputy's numbers: an export by a user is also a row in the
    personal-data access log (the command line's has no user to name)."""
    if fmt not in ("xlsx", "csv"):
        raise ValidationFailed(f"不支持的导出格式：{fmt}（可选 xlsx、csv）。")
    mandates = writer._sorted(writer.export_queryset(include_ended=include_ended))
    rows = writer.mandate_rows(mandates)
    count = writer.write_xlsx(rows, out) if fmt == "xlsx" else writer.write_csv(rows, out)
    scope = "全部代表资格（含已终止）" if include_ended else "有效代表资格"
    registry_change_record(
        kind=RegistryChangeKind.EXPORT,
        actor=actor,
        summary=f"导出{scope} {count} 行（{fmt}）",
        details={"format": fmt, "include_ended": include_ended, "rows": count},
    )
    if getattr(actor, "pk", None):
        from minyi.privacy.services import personal_data_seen

        personal_data_seen(
            user=actor,
            subject=f"代表名单导出（{count} 行）",
            fields="代表姓名、电话",
            surface=surface,
            ip=ip,
        )
    return count


def template_bytes() -> bytes:
    out = io.BytesIO()
    writer.write_template(out)
    return out.getvalue()


@transaction.atomic
def mandate_end(*, mandate: Mandate, ended_on: date, reason: str, actor=None) -> Mandate:
    """End a mandate (term over, resignation, removal): it no longer identifies its deputy.

    When it was the person's last active mandate, the deputy is marked inactive too; the row and
    its numbers stay, so history (orders, calls) still names them and a later import of a new
    seat makes them active again.
    """
    # Lock the row: two administrators ending the same seat must not both write an audit row.
    mandate = (
        Mandate.objects.select_for_update().select_related("congress", "deputy").get(pk=mandate.pk)
    )
    if mandate.ended_on is not None:
        raise InvalidTransition(
            f"该代表资格已于 {timefmt.day_text(mandate.ended_on)} 终止（{mandate.get_end_reason_display()}）。"
        )
    if reason not in Mandate.EndReason.values:
        raise ValidationFailed(f"未知的终止原因：{reason}")
    check_date(ended_on, label="终止日期")
    today = timefmt.local_date(clock.now())
    if ended_on > today:
        raise ValidationFailed("终止日期不能晚于今天：到期后再办理终止。")
    if mandate.started_on and ended_on < mandate.started_on:
        raise ValidationFailed(
            f"终止日期不能早于任期开始日期（{timefmt.day_text(mandate.started_on)}）。"
        )
    mandate.ended_on, mandate.end_reason = ended_on, reason
    mandate.save(update_fields=["ended_on", "end_reason"])
    deputy = mandate.deputy
    deactivated = False
    if deputy.is_active and not deputy.mandates.active().exists():
        deputy.is_active = False
        deputy.save(update_fields=["is_active"])
        deactivated = True
    registry_change_record(
        kind=RegistryChangeKind.MANDATE_END,
        actor=actor,
        summary=f"{deputy.name} {mandate.congress.name}代表 {mandate.term}".strip()
        + f" 于 {timefmt.day_text(ended_on)} 终止（{mandate.get_end_reason_display()}）"
        + ("，已无有效代表资格，标记为无效" if deactivated else ""),
        details={
            "deputy": deputy.pk,
            "mandate": mandate.pk,
            "ended_on": timefmt.day_text(ended_on),
            "reason": reason,
            "deputy_deactivated": deactivated,
        },
    )
    return mandate


# -- a deputy's numbers ----------------------------------------------------------------------------

TAKEN = "该号码已登记在另一位代表名下，一个号码只能属于一人。"


def _phone_recorded(kind: str, phone: DeputyPhone, actor, what: str, **details) -> None:
    registry_change_record(
        kind=kind,
        actor=actor,
        summary=f"{phone.deputy.name}：{what}",
        details={"deputy": phone.deputy_id, "phone": phone.pk, **details},
    )


def _numbered(phone: DeputyPhone, raw: str) -> None:
    """Give ``phone`` the number typed as ``raw`` (E.164; refused when it is not a number or
    belongs to another row), saved in a savepoint so a concurrent taker is a clear refusal."""
    number = normalize_phone(raw)
    if DeputyPhone.objects.filter(number=number).exclude(pk=phone.pk).exists():
        raise ValidationFailed(TAKEN)
    phone.number, phone.raw = number, raw.strip()[:40]
    try:
        with transaction.atomic():
            phone.save()
    except IntegrityError:
        raise ValidationFailed(TAKEN) from None


@transaction.atomic
def deputy_phone_add(*, deputy: Deputy, raw: str, primary: bool = False, actor=None) -> DeputyPhone:
    """A new number for ``deputy``; their first number is the primary one whatever is asked."""
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    first = not deputy.phones.exists()
    phone = DeputyPhone(deputy=deputy, is_primary=primary or first)
    _numbered(phone, raw)
    if phone.is_primary:
        deputy.phones.exclude(pk=phone.pk).filter(is_primary=True).update(is_primary=False)
    label = "（主号码）" if phone.is_primary else ""
    _phone_recorded(
        RegistryChangeKind.PHONE_ADD,
        phone,
        actor,
        f"新增号码 {mask_phone(phone.number)}{label}",
        number=mask_phone(phone.number),
        primary=phone.is_primary,
    )
    return phone


@transaction.atomic
def deputy_phone_replace(*, phone: DeputyPhone, raw: str, actor=None) -> DeputyPhone:
    """Replace a number (a deputy changed phones): the row, and its primary flag, stay."""
    phone = DeputyPhone.objects.select_for_update().select_related("deputy").get(pk=phone.pk)
    before = mask_phone(phone.number)
    _numbered(phone, raw)
    after = mask_phone(phone.number)
    _phone_recorded(
        RegistryChangeKind.PHONE_CHANGE,
        phone,
        actor,
        f"号码 {before} 更换为 {after}",
        before=before,
        after=after,
    )
    return phone


@transaction.atomic
def deputy_phone_set_primary(*, phone: DeputyPhone, primary: bool, actor=None) -> DeputyPhone:
    """Make a number the deputy's primary one (SMS about their orders go there; the others
    stop being primary), or stop it being primary."""
    phone = DeputyPhone.objects.select_for_update().select_related("deputy").get(pk=phone.pk)
    if phone.is_primary == primary:
        return phone
    phone.is_primary = primary
    phone.save(update_fields=["is_primary"])
    if primary:
        phone.deputy.phones.exclude(pk=phone.pk).filter(is_primary=True).update(is_primary=False)
    masked = mask_phone(phone.number)
    what = f"设 {masked} 为主号码" if primary else f"{masked} 不再是主号码"
    _phone_recorded(
        RegistryChangeKind.PHONE_PRIMARY, phone, actor, what, number=masked, primary=primary
    )
    return phone


@transaction.atomic
def deputy_phone_remove(*, phone: DeputyPhone, actor=None) -> None:
    """Remove a number (no longer the deputy's). Calls and orders keep what they recorded."""
    phone = DeputyPhone.objects.select_for_update().select_related("deputy").get(pk=phone.pk)
    masked = mask_phone(phone.number)
    _phone_recorded(
        RegistryChangeKind.PHONE_REMOVE,
        phone,
        actor,
        f"删除号码 {masked}" + ("（原主号码）" if phone.is_primary else ""),
        number=masked,
    )
    phone.delete()
