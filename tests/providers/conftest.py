"""Fixtures of the provider-core tests."""

from __future__ import annotations

import pytest
from providers_support import RecordingSleep


@pytest.fixture
def recording_sleep() -> RecordingSleep:
    return RecordingSleep()
