"""The admin's change history named a deputy's phone row by its full number (a changed or
deleted 代表电话 "+8613800138000"); rows are now named masked (DeputyPhone.__str__). Mask the
numbers already written, so the auditor's history and every object's 历史 page show none."""

import re

from django.db import migrations

NUMBER = re.compile(r"(?:\+86)?(1\d{2})\d{4}(\d{4})(?!\d)|(?:\+86)?(\d{3})\d{4,}(\d{4})(?!\d)")


def _mask(text: str) -> str:
    def masked(match):
        head = match.group(1) or match.group(3)
        tail = match.group(2) or match.group(4)
        return f"{head}****{tail}"

    return NUMBER.sub(masked, text)


def mask_numbers(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    for entry in LogEntry.objects.filter(change_message__regex=r"\d{7}").iterator():
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=_mask(entry.object_repr), change_message=_mask(entry.change_message)
        )
    for entry in LogEntry.objects.filter(object_repr__regex=r"\d{7}").iterator():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=_mask(entry.object_repr))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_admin_names_in_chinese"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(mask_numbers, migrations.RunPython.noop)]
