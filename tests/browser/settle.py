"""Bring the built page to the state a reader sees once everything has drawn, for the checks
that look at the whole page (accessibility, layouts): Python ready, every chapter scrolled past
once (some widgets draw when they come into view), no placeholder or busy widget left."""

import time

from helpers import wait_until

CHAPTERS = ["script", "dataset", "autograd", "parameters", "architecture", "attention", "training", "inference", "runs"]

# What is not finished yet: a "waiting" placeholder still showing (some stay in the DOM, hidden,
# once their widget drew) or a widget that says it is busy (building, typing, sampling…).
UNFINISHED = """() => [
    ...[...document.querySelectorAll('[data-live] .live-status')]
        .filter((e) => e.checkVisibility() && !e.classList.contains('error')).map((e) => e.textContent),
    ...[...document.querySelectorAll('[data-live] [data-state], [data-live] [data-busy]')]
        .filter((e) => ['waiting', 'building', 'running', 'typing'].includes(e.dataset.state)
            || e.dataset.busy === 'true')
        .map((e) => `${e.className}: ${e.dataset.state ?? 'busy'}`),
]"""


def settle(rec, pause=0.4):
    """Wait for Python, visit every chapter (some draw when first on screen), wait for the page to
    finish drawing; back to the top."""
    rec.wait_ready()
    for chapter in CHAPTERS:
        rec.page.evaluate("(id) => document.getElementById(id).scrollIntoView({behavior: 'instant'})", chapter)
        time.sleep(pause)
    wait_until(rec.page, f"() => ({UNFINISHED})().length === 0")
    time.sleep(1.0)  # the last round of draws (one section per task) and the rpc replies they asked for
    rec.page.evaluate("() => window.scrollTo({top: 0, behavior: 'instant'})")


def unfinished(page):
    return page.evaluate(UNFINISHED)
