"""Our templates hold no inline script, style block, style attribute or event handler: the
Content-Security-Policy would block them (script-src and style-src are 'self' only). Scripts
and styles live in static files; dynamic values go in data- attributes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in (PROJECT / "minyi").rglob("templates/**/*.html"))

FORBIDDEN = {
    "an inline <script>": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
    ),
    "a <style> block": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "an on… event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "an htmx hx-on handler": re.compile(r"\shx-on[:-]", re.I),
}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_a_template_has_nothing_inline_the_policy_would_block(path):
    text = path.read_text(encoding="utf-8")

    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]

    assert not found, f"{path.relative_to(PROJECT)} has {', '.join(found)}"


def test_python_code_writes_no_inline_style_into_html():
    """format_html() in admin columns and widgets: a class and a stylesheet, never style=."""
    offenders = [
        str(path.relative_to(PROJECT))
        for path in (PROJECT / "minyi").rglob("*.py")
        if "migrations" not in path.parts
        and re.search(r"""<[a-z]+[^>]*\sstyle=|<script>""", path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
