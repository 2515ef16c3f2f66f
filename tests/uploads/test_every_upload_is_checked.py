"""Every file the product stores is an Attachment, and every Attachment is written by
``attachment_add``, which runs the upload check: no other door for a file."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

PROJECT = Path(__file__).resolve().parents[2]


def test_the_only_file_field_in_the_product_is_the_checked_attachment():
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("minyi.")
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]

    assert file_fields == ["orders.Attachment.file"]


def test_attachments_are_created_only_by_the_upload_service():
    writers = []
    for path in (PROJECT / "minyi").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _creates_attachment(node):
                writers.append(str(path.relative_to(PROJECT)))

    assert writers == ["minyi/orders/services/dispatch.py"]


def _creates_attachment(node: ast.Call) -> bool:
    func = node.func
    # Attachment(...) or Attachment.objects.create(...) / bulk_create / get_or_create
    if isinstance(func, ast.Name) and func.id == "Attachment":
        return True
    return (
        isinstance(func, ast.Attribute)
        and func.attr in {"create", "bulk_create", "get_or_create", "update_or_create"}
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "objects"
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id == "Attachment"
    )
