"""Fixtures for the bridge core's tests (helpers live in _bridgecore.py)."""

import pytest
from _bridgecore import Driver


@pytest.fixture
def driver(tmp_path):
    """A fresh Session working in its own temporary directory."""
    return Driver(tmp_path)


@pytest.fixture
def loaded(driver):
    """A Session with the real microgpt.py and the names list loaded (setup done, no steps)."""
    driver.load()
    return driver
