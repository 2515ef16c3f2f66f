"""Every file a person uploads is an Attachment, written by ``attachment_add``, or a photo of
a citizen's 码上找代表 message, written by ``photos_attach`` after ``photos_checked``: both run
the upload check, and there is no other door for a file. The only other files are the ones the
product writes itself (the ledger's exports and the monthly reports), never from a request."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

PROJECT = Path(__file__).resolve().parents[2]


# Files the product writes itself (minyi/ledger): no form or API takes them from a user.
GENERATED = ["ledger.ExportJob.file", "ledger.MonthlyReport.pdf", "ledger.MonthlyReport.xlsx"]


def test_the_only_uploaded_file_fields_are_the_checked_attachment_and_message_photo():
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("minyi.")
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]

    uploaded = sorted(set(file_fields) - set(GENERATED))
    # the clue library's research notes (``clue_note_add``) and the suggestions' replies
    # (``suggestion_reply``) run the same check
    assert uploaded == [
        "clues.ClueNote.file",
        "mashang.MessagePhoto.file",
        "orders.Attachment.file",
        "suggestions.SuggestionReply.attachment",
    ]
    assert set(GENERATED) <= set(file_fields)


def writers_of(model: str) -> list[str]:
    writers = []
    for path in (PROJECT / "minyi").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _creates(node, model):
                writers.append(str(path.relative_to(PROJECT)))
    return writers


def test_attachments_are_created_only_by_the_upload_service():
    assert writers_of("Attachment") == ["minyi/orders/services/dispatch.py"]


def test_research_notes_are_created_only_by_the_clue_service():
    assert writers_of("ClueNote") == ["minyi/clues/services.py"]


def test_message_photos_are_created_only_by_the_photo_service():
    assert writers_of("MessagePhoto") == ["minyi/mashang/services/photos.py"]


def _creates(node: ast.Call, model: str) -> bool:
    func = node.func
    # Model(...) or Model.objects.create(...) / bulk_create / get_or_create
    if isinstance(func, ast.Name) and func.id == model:
        return True
    return (
        isinstance(func, ast.Attribute)
        and func.attr in {"create", "bulk_create", "get_or_create", "update_or_create"}
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "objects"
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id == model
    )
