// Python's memory snapshot, made by the build (py/builder/snapshot.py: Pyodide started, the bridge
// imported and the default script's setup run in a bridge session, py/bridge/preload.py), which
// the worker restores instead of starting Python itself.
// The page carries it zstd-compressed in a few frames (a table "MGF1", their count and each one's
// packed and raw length, then the frames), each decompressed in one call as soon as its bytes are
// here, so that only the last frame is left to do once the page is parsed. The decoder is zstd's
// own C compiled to wasm (zstddec, ~50 KB): all four frames take ~0.1 s under Node here, where
// fzstd (JavaScript) took 0.6-1.2 s for the snapshot (the largest piece of work between the last
// byte parsed and Python restored, bench/boot.py). Together they hold a 16-byte prefix (magic "MGS2", the lengths of
// the data image and of Pyodide's snapshot), the wasm's data image (the page's wasm has no data
// segments) and Pyodide's snapshot with its trailing zeros cut.
import { ZSTDDecoder } from 'zstddec';

export const SNAPSHOT = 'pyodide-snapshot.bin';
const MAGIC = 0x3253474d; // "MGS2", little-endian
const FRAMED_MAGIC = 0x3146474d; // "MGF1"
const PREFIX_BYTES = 16;

let decoder = null;

// The decoder, its wasm compiled once per worker; called at the boot's start, so that it is
// ready before the first frame is here.
export function snapshotDecoder() {
  decoder ??= (async () => {
    const zstd = new ZSTDDecoder();
    await zstd.init();
    return zstd;
  })();
  return decoder;
}

const damaged = () => new Error('The embedded Python snapshot is damaged.');

// take(n) resolves the stream's next n bytes, in one array.
function byteReader(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let have = 0;
  return async function take(n) {
    while (have < n) {
      const { done, value } = await reader.read();
      if (done) throw damaged();
      chunks.push(value);
      have += value.length;
    }
    const out = new Uint8Array(n);
    for (let at = 0; at < n;) {
      const chunk = chunks[0];
      const k = Math.min(chunk.length, n - at);
      out.set(chunk.subarray(0, k), at);
      at += k;
      if (k === chunk.length) chunks.shift();
      else chunks[0] = chunk.subarray(k);
    }
    have -= n;
    return out;
  };
}

// Resolves {image, bytes}: the data image, and Pyodide's snapshot at its full length (what
// loadPyodide's `_loadSnapshot` takes). `stream`: the still-compressed bytes, as they come.
export async function readSnapshot(stream) {
  const take = byteReader(stream);
  const zstd = await snapshotDecoder();
  const head = new DataView((await take(8)).buffer);
  if (head.getUint32(0, true) !== FRAMED_MAGIC) throw damaged();
  const count = head.getUint32(4, true);
  const table = new DataView((await take(8 * count)).buffer);
  const frames = Array.from({ length: count }, (_, k) => [table.getUint32(8 * k, true), table.getUint32(8 * k + 4, true)]);
  const raw = new Uint8Array(frames.reduce((sum, [, length]) => sum + length, 0));
  let at = 0;
  for (const [packed, length] of frames) {
    const part = zstd.decode(await take(packed), length);
    if (part.length !== length) throw damaged();
    raw.set(part, at);
    at += length;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, PREFIX_BYTES);
  if (raw.length < PREFIX_BYTES || view.getUint32(0, true) !== MAGIC) throw damaged();
  const imageLength = view.getUint32(4, true);
  const bytes = new Uint8Array(view.getUint32(8, true));
  bytes.set(raw.subarray(PREFIX_BYTES + imageLength));
  return { image: raw.subarray(PREFIX_BYTES, PREFIX_BYTES + imageLength), bytes };
}

// A fresh instance of the page's wasm (no data segments) gets its data as instantiation would
// have put it, before any of its code runs; its memory grows to the snapshot's if smaller.
export function applyDataImage({ image, bytes }, memory) {
  const memoryAt = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
  const missing = bytes.length - memoryAt - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  new Uint8Array(memory.buffer).set(image);
}

// What a snapshot made at build time cannot know, set as a cold start in this browser would have
// it: the language Emscripten puts in $LANG, the time zone (the build ran in UTC: Emscripten's C
// tzset is run again, then the time module's constants are recomputed as CPython computes them
// at import), and a fresh seed for `random` (the bridge imports it, so the snapshot holds the
// seed it drew at build time). `imports`, `instance`: the wasm's, for Emscripten's own tzset.
export function localize(pyodide, imports, instance) {
  const lang = `${(globalThis.navigator?.language ?? 'C').replace('-', '_')}.UTF-8`;
  const { timezone, daylight, tzname } = instance.exports;
  if (timezone && daylight && tzname && typeof imports?.env?._tzset_js === 'function') {
    const [std, dst] = new Uint32Array(instance.exports.memory.buffer, tzname.value, 2);
    imports.env._tzset_js(timezone.value, daylight.value, std, dst);
  }
  const scratch = pyodide.globals.get('dict')();
  try {
    scratch.set('lang', lang);
    pyodide.runPython(LOCALIZE, { globals: scratch });
  } finally {
    scratch.destroy();
  }
}

// The time module's constants as CPython's init_timezone computes them where the C library has
// no usable tzname (Emscripten): from January's and July's local time of this year.
const LOCALIZE = `
import os, sys
os.environ["LANG"] = lang
if "random" in sys.modules:
    sys.modules["random"].seed()
if "time" in sys.modules:
    _time = sys.modules["time"]
    _year = (365 * 24 + 6) * 3600
    _t = (int(_time.time()) // _year) * _year
    _jan, _jul = _time.localtime(_t), _time.localtime(_t + _year // 2)
    _janzone, _julzone = -_jan.tm_gmtoff, -_jul.tm_gmtoff
    if _janzone < _julzone:  # DST is reversed in the southern hemisphere
        _time.timezone, _time.altzone, _time.tzname = _julzone, _janzone, (_jul.tm_zone, _jan.tm_zone)
    else:
        _time.timezone, _time.altzone, _time.tzname = _janzone, _julzone, (_jan.tm_zone, _jul.tm_zone)
    _time.daylight = int(_janzone != _julzone)
`;
