"""JavaScript bundling with esbuild (from npm): one file for the page, one for the worker."""

import subprocess

from builder.paths import ESBUILD, JS_DIR, ROOT


def bundle(entry: str, *, minify: bool = True) -> str:
    """Bundle js/<entry> and its imports into one ES module, returned as text."""
    if not ESBUILD.exists():
        raise SystemExit("esbuild is missing: run `npm ci` (or `make setup`) first.")
    args = [
        str(ESBUILD), str(JS_DIR / entry),
        "--bundle", "--format=esm", "--target=es2022", "--charset=ascii",
        "--legal-comments=none", "--log-level=warning",
    ]
    if minify:
        args.append("--minify")
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"esbuild failed for {entry}:\n{result.stderr}")
    if minify:
        return result.stdout
    # --charset=ascii escapes strings and names but not the comments an unminified bundle keeps;
    # the page's script blocks must be ASCII (builder/charset.py), and an escape in a comment is inert.
    return "".join(c if c.isascii() else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else "?" for c in result.stdout)
