"""Measure the page's stdlib zips (builder.stdlib's CLI: --report, --verify).

--report: module counts and sizes (raw, gzip -9, zopfli when installed) against the stock zip.
--verify: boot Pyodide under Node with the stock zip and with the page's boot zip (and its lazy
          finder), time loadPyodide, and run the same page workload (stdlib_workload.py) on
          each: the page's must fail nowhere the stock one succeeds, and must not need the lazy zip.
"""

import gzip
import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from builder.stdlib import (
    StdlibZips,
    extra_imports,
    lazy_path,
    manifest_from_zip,
    pyodide_dir,
    run_node_helper,
    stock_sources,
    trace_modules,
)


def _sizes(data: bytes, with_zopfli: bool) -> dict[str, int]:
    sizes = {"raw": len(data), "gzip-9": len(gzip.compress(data, 9, mtime=0))}
    zopfli = shutil.which("zopfli")
    if zopfli and with_zopfli:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "x"
            path.write_bytes(data)
            subprocess.run([zopfli, "--gzip", str(path)], check=True)
            sizes["zopfli"] = (Path(tmp) / "x.gz").stat().st_size
    return sizes


def print_report(zips: StdlibZips, cache_dir: Path, repo: Path) -> None:
    manifest = manifest_from_zip(zips.boot)
    report = trace_modules(cache_dir, repo)
    stock = (pyodide_dir(repo) / "python_stdlib.zip").read_bytes()
    print(f"Pyodide {manifest['pyodide']} (Python {manifest['python']})")
    total = sum(len(manifest[k]) for k in ("boot", "lazy", "frozen"))
    print(f"modules of the stock zip's {total}: {len(manifest['boot'])} in the boot zip, "
          f"{len(manifest['lazy'])} in the lazy zip, {len(manifest['frozen'])} frozen into the "
          f"interpreter (no file needed)")
    # zopfli takes ~10 s a megabyte: only for the zips the page ships.
    for label, blob, zopfli in (("boot .pyc zip", zips.boot, True), ("lazy .pyc zip", zips.lazy, True),
                                ("stock .py zip", stock, False)):
        sizes = ", ".join(f"{k} {v / 1e6:.3f} MB" for k, v in _sizes(blob, zopfli).items())
        print(f"{label}: {sizes}")
    if report.get("problem"):
        print(f"workload: {report['problem']}")
    for rpc in report.get("rpcs", []):
        if not rpc["ok"]:
            print(f"  rpc {rpc['method']} -> {rpc.get('error') or rpc.get('raised')}")
    for name, why in report.get("import_failures", {}).items():
        print(f"  allow-list import {name} failed in Pyodide: {why}")


def verify(zip_path: Path, repo: Path, runs: int) -> int:
    """Boot Pyodide with the stock and the page's stdlib; run the workload on the page's one."""
    results = {}
    sources = stock_sources(pyodide_dir(repo) / "python_stdlib.zip")
    lazy_gz = lazy_path(zip_path).with_name(lazy_path(zip_path).name + ".gz")  # written by stdlib.write_zips
    with tempfile.TemporaryDirectory() as tmp:
        for label, stdlib in (("stock", ["stock"]), ("page", [str(zip_path), "--lazy", str(lazy_gz)])):
            out = Path(tmp) / f"{label}.json"
            options = json.dumps({"extra_imports": extra_imports(sources)})
            run_node_helper(repo, "check", "--py", str(repo / "py"), "--out", str(out),
                            "--stdlib", *stdlib, "--runs", str(runs), "--options", options)
            results[label] = json.loads(out.read_text())
    for label, result in results.items():
        ms = result["ready_ms"]
        print(f"loadPyodide ready, {label}: median {statistics.median(ms):.0f} ms "
              f"(runs: {', '.join(f'{x:.0f}' for x in ms)})")
    trimmed = results["page"]["report"]
    failures = {k: v for k, v in trimmed["import_failures"].items()
                if k not in results["stock"]["report"]["import_failures"]}
    bad_rpcs = [r for r in trimmed["rpcs"] if not r["ok"]]
    stock_bad = [r for r in results["stock"]["report"]["rpcs"] if not r["ok"]]
    print(f"workload on the page's stdlib: problem={trimmed['problem']!r}, "
          f"{len(trimmed['rpcs'])} rpcs, {len(bad_rpcs)} failed (stock: {len(stock_bad)}), "
          f"modules from the lazy zip: {trimmed['lazy_modules'] or 'none'}")
    ok = not failures and not trimmed["lazy_modules"] and len(bad_rpcs) == len(stock_bad) and (
        trimmed["problem"] == results["stock"]["report"]["problem"])
    for name, why in failures.items():
        print(f"  import {name} fails only with the page's stdlib: {why}")
    print("verify:", "OK" if ok else "FAILED")
    return 0 if ok else 1
