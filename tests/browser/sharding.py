"""`--shard K/N`: run the K-th of N parts of the browser tests, so that `make browser-tests` can
run two pytest processes side by side (each with its own Chromium). Whole files go to one part
(their module and session fixtures, e.g. a variant page built once, stay in one process); the
files are dealt out largest first to the part with the fewest tests so far."""

import pytest


def pytest_addoption(parser):
    parser.addoption("--shard", default=None, help="K/N: run only the K-th of N parts of the tests (1-based)")


def part_of(counts: dict[str, int], parts: int) -> dict[str, int]:
    """file -> its part (0-based), largest files first onto the lightest part."""
    loads, where = [0] * parts, {}
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lightest = loads.index(min(loads))
        where[name] = lightest
        loads[lightest] += count
    return where


def pytest_collection_modifyitems(config, items):
    shard = config.getoption("--shard")
    if not shard:
        return
    k, n = (int(x) for x in shard.split("/"))
    if not 1 <= k <= n:
        raise pytest.UsageError(f"--shard {shard}: K must be between 1 and N")
    counts = {}
    for item in items:
        counts[item.nodeid.split("::")[0]] = counts.get(item.nodeid.split("::")[0], 0) + 1
    where = part_of(counts, n)
    keep = [item for item in items if where[item.nodeid.split("::")[0]] == k - 1]
    config.hook.pytest_deselected(items=[item for item in items if item not in keep])
    items[:] = keep
