"""The build's memory snapshot of Python (builder/snapshot.py): how the wasm's data and the boot
zip are cut for a page that restores it. That a page booted from it answers like a page that
starts Python itself is tests/browser/test_snapshot.py's."""

import io
import sys
import zipfile

import pytest
from builder import snapshot
from builder.paths import PYODIDE_DIR

pytestmark = pytest.mark.skipif(sys.platform == "emscripten" or not PYODIDE_DIR.exists(),
                                reason="the build runs on the host, with node_modules/pyodide")


@pytest.fixture(scope="module")
def wasm():
    return (PYODIDE_DIR / "pyodide.asm.wasm").read_bytes()


def test_the_data_image_is_what_the_segments_hold(wasm):
    image = snapshot.data_image(wasm)
    assert 1_000_000 < len(image) < 8_000_000  # the interpreter's static data
    assert image[:1024] == bytes(1024)  # emscripten leaves the first KiB empty
    stripped = snapshot.strip_data(wasm)
    assert len(stripped) < len(wasm) - 3_000_000
    assert snapshot.data_image(stripped) == b""  # no data section left
    # Everything but the data (and data count) sections is unchanged, in order.
    kept = [wasm[a:b] for s, a, _, b in snapshot._sections(wasm) if s not in (snapshot.DATA, snapshot.DATACOUNT)]
    assert stripped == wasm[:8] + b"".join(kept)


def test_pack_and_unpack_are_inverse(wasm):
    fake = snapshot.PYODIDE_MAGIC.to_bytes(4, "little") + bytes(60) + b"heap" + bytes(1000)
    image, back = snapshot.unpack(snapshot.pack(fake, wasm))
    assert image == snapshot.data_image(wasm) and back == fake
    with pytest.raises(ValueError):
        snapshot.pack(b"not a snapshot" + bytes(100), wasm)


def test_the_page_boot_zip_leaves_out_what_the_snapshot_imported():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in ("stdlib-modules.json", "json/__init__.pyc", "csv.pyc", "re/__init__.pyc"):
            z.writestr(name, name.encode() * 3)
    cut = zipfile.ZipFile(io.BytesIO(snapshot.page_boot_zip(buf.getvalue(), ["json/__init__.pyc", "re/__init__.pyc"])))
    assert cut.namelist() == ["stdlib-modules.json", "csv.pyc"]
    assert cut.read("csv.pyc") == b"csv.pyc" * 3
