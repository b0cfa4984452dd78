"""The page's Content-Security-Policy: no network at all.

Everything the page uses is inline or made in memory: scripts inline, the worker and Pyodide's
modules from data:/blob: URLs, WebAssembly compiled from bytes ('wasm-unsafe-eval'). No source
names a host, so the browser refuses any request that would leave the machine."""

POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'unsafe-inline' blob: data: 'wasm-unsafe-eval'",
    "worker-src data: blob:",
    "connect-src data: blob:",
    "style-src 'unsafe-inline'",
    "img-src data: blob:",
    "font-src data:",
    "base-uri 'none'",
    "form-action 'none'",
])


def meta_tag() -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
