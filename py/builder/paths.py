"""Where the build reads its inputs and keeps its cache."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY_DIR = ROOT / "py"
JS_DIR = ROOT / "js"
STYLES_DIR = ROOT / "styles"
TEMPLATE = ROOT / "index.html"
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
CACHE_DIR = ROOT / "build-cache"
DEFAULT_SCRIPT = PY_DIR / "microgpt.py"
DEFAULT_DATASET = PY_DIR / "data" / "names.txt"
DIST = ROOT / "dist" / "microgpt-guide.html"

# The stylesheets in cascade order: these first (tokens before anything that uses them), then
# every other file in styles/ (one per widget) in name order; each chapter's own come after them
# (builder/chapters.py).
STYLESHEETS_FIRST = ["tokens.css", "base.css", "layout.css", "components.css"]


def stylesheets() -> list[Path]:
    rest = sorted(p.name for p in STYLES_DIR.glob("*.css") if p.name not in STYLESHEETS_FIRST)
    return [STYLES_DIR / name for name in STYLESHEETS_FIRST + rest]
