from __future__ import annotations

import pytest

from minyi.core import clock
from tests.factories import MONDAY


@pytest.fixture
def on_monday():
    """Freeze the services' clock on the reference Monday for the whole test."""
    with clock.frozen(MONDAY):
        yield MONDAY
