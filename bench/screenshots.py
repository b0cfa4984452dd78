"""The README's screenshots (docs/screenshots/), made from the built page so they stay current.

    .venv/bin/python bench/screenshots.py [--file dist/microgpt-guide.html] [--out docs/screenshots]
    (or `make screenshots`, which builds first)

Not a benchmark: it lives here because it drives the page the way the benchmarks do (bench/common.py:
Debian's Chromium, 1440x900, file://, wait for Python and for the sections to settle). Every
number in the pictures is the running script's. The training picture waits for 100 real steps
(about half a minute). It stops with an error if the page reported one, so a broken page never
ends up in the README.
"""

import argparse
import re
import time
from pathlib import Path

from common import DEFAULT_PAGE, ROOT, chromium, open_page, settle, wait_ready, wait_until

TRAINING = '[data-live="training"]'
ARCH = '[data-live="architecture"]'


def scroll_to(page, selector, above=16):
    """Put `selector` at the top of the window, `above` px below the edge."""
    page.evaluate(
        "([s, above]) => { document.querySelector(s).scrollIntoView({behavior: 'instant', block: 'start'});"
        " window.scrollBy(0, -above); }",
        [selector, above],
    )
    time.sleep(0.4)  # sections that were off screen catch up (js/ui/on-screen.js)


def hero(page, out):
    page.evaluate("() => window.scrollTo(0, 0)")
    time.sleep(0.3)
    page.screenshot(path=str(out / "hero.png"))


def architecture(page, out):
    """The step-through on the second position, at the statement that makes the key k."""
    page.select_option(f"{ARCH} .arch-pos", index=1)
    wait_until(page, f"() => document.querySelector('{ARCH} .arch-counter')?.textContent.startsWith('step 1 /')")
    for _ in range(40):
        if re.search(r"\bkey\b", page.text_content(f"{ARCH} .arch-step-title"), re.IGNORECASE):
            break
        page.click(f"{ARCH} .arch-next")
    scroll_to(page, f"{ARCH} .arch-controls")
    page.screenshot(path=str(out / "architecture.png"))


def attention(page, out):
    scroll_to(page, '[data-live="attention"]')
    page.screenshot(path=str(out / "attention.png"))


def training(page, out):
    """After 100 steps trained in the page, at full speed."""
    scroll_to(page, f"{TRAINING} .tr-top")
    page.click(f'{TRAINING} button[data-action="100"]')
    wait_until(page, f"() => document.querySelector('{TRAINING} .tr-progress')?.dataset.step === '100'"
                     f" && document.querySelector('{TRAINING} .live-body').dataset.running !== 'true'")
    page.mouse.move(5, 5)  # no hover state in the picture
    scroll_to(page, f"{TRAINING} .tr-top")
    page.screenshot(path=str(out / "training.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context, page = open_page(browser, args.file.resolve().as_uri())
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        wait_ready(page)
        settle(page)
        for shoot in (hero, architecture, attention, training):
            shoot(page, args.out)
            print(f"  {shoot.__name__}.png")
        errors += page.evaluate("() => microgptGuide.errors")
        context.close()
    if errors:
        raise SystemExit(f"the page reported errors, screenshots not to be trusted: {errors}")
    print(f"wrote 4 screenshots to {args.out}")


if __name__ == "__main__":
    main()
