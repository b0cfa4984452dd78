"""Fixtures for the bridge core's tests (helpers live in _bridgecore.py)."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from _bridgecore import Driver, variants_harness


@pytest.fixture
def driver(tmp_path):
    """A fresh Session working in its own temporary directory."""
    return Driver(tmp_path)


@pytest.fixture
def loaded(driver):
    """A Session with the real microgpt.py and the names list loaded (setup done, no steps)."""
    driver.load()
    return driver


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@pytest.fixture(scope="session")
def plain_runs(request):
    """{script path: future of the first 5 losses `python <script>` prints} for every variant script
    that a selected test is parametrized with (and microgpt.py when one says its first loss is
    microgpt.py's). One run per script for the whole session, started side by side, one per CPU,
    while the tests go on; a test waits with `.result()`. Never used in Pyodide (no processes)."""
    plain = variants_harness()
    known = set(plain.variants())
    paths = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        for value in callspec.params.values() if callspec is not None else ():
            if isinstance(value, Path) and value in known and value not in paths:
                paths.append(value)
    if any(plain.same_first_loss(p) for p in paths):
        paths.insert(0, plain.MICROGPT)
    with ThreadPoolExecutor(max_workers=max(1, min(4, _cpus()))) as pool:
        futures = {p: pool.submit(plain.plain_losses, p, 5) for p in paths}
        yield futures
        for f in futures.values():
            f.cancel()
