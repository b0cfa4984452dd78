"""How the tests and benchmarks start Debian's Chromium (Playwright's own browser download
cannot work on these machines). The flags keep a headless root run from reaching out to the
network on its own."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
