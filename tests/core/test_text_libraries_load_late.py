"""The text libraries (scikit-learn, scipy, numpy, joblib, rjieba: a hundred MB and more) load
with the first text a process works on, not with the URLs: every manage.py command runs the
checks, which load them, and the ledger export's peak memory doubled when they did."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "numpy", "joblib", "rjieba")


def test_loading_the_urls_loads_no_text_library():
    script = (
        "import django, sys; django.setup(); import minyi.urls; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "minyi.settings", "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == ""
