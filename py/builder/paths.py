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

# The stylesheets in cascade order: tokens first, so every later file can use them.
STYLESHEETS = ["tokens.css", "base.css", "layout.css", "components.css"]
