"""The guide built around a script of tests/variants/ (a microgpt-shaped script that differs in one
way: a micrograd-style Value, classes, tied weights...), for the chapter tests that check a
chapter draws real content for it. Each page is built once per test run, whichever test file
asks first (the build's cache makes a rebuild of an unchanged script quick).

    page = variant_page(tmp_path_factory, "value_micrograd")   # -> Path of the built file
"""

from pathlib import Path

from builder.build import build
from builder.paths import DEFAULT_DATASET, ROOT

VARIANTS = ROOT / "tests" / "variants"
_built: dict[str, Path] = {}


def variant_page(tmp_path_factory, name: str) -> Path:
    if name not in _built:
        folder = tmp_path_factory.mktemp(f"variant-{name}")
        out = folder / "guide.html"
        build(out, VARIANTS / f"{name}.py", DEFAULT_DATASET)
        _built[name] = out
    return _built[name]


def open_variant(open_page, tmp_path_factory, name: str):
    """The variant's page opened and ready: (RecordedPage, info)."""
    rec = open_page(variant_page(tmp_path_factory, name).as_uri())
    info = rec.wait_ready()
    return rec, info


def edited_page(tmp_path_factory, name: str, old: str, new: str) -> Path:
    """The guide built around the default script with its first `old` replaced by `new` (a
    learner's one-line edit): the Path of the built file."""
    from builder.paths import DEFAULT_SCRIPT

    source = DEFAULT_SCRIPT.read_text(encoding="utf-8")
    assert old in source, f"py/microgpt.py has no {old!r}"
    folder = tmp_path_factory.mktemp(name)
    script = folder / "microgpt.py"
    script.write_text(source.replace(old, new, 1), encoding="utf-8")
    out = folder / "guide.html"
    build(out, script, DEFAULT_DATASET)
    return out
