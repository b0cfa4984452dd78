// The worker's handle on the Python side: writes the bridge's sources into Pyodide's file
// system, creates one bridge `Session` (or adopts the one the page's memory snapshot holds, with
// the default script loaded: py/bridge/preload.py), hands it each call's arguments as Python data
// and turns every answer into plain JavaScript data.

const PY_ROOT = '/home/pyodide/guide';
const WORKDIR = '/home/pyodide/run';

export function createSession(pyodide, pythonSources, emit) {
  for (const [path, text] of Object.entries(pythonSources)) {
    const full = `${PY_ROOT}/${path}`;
    pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    pyodide.FS.writeFile(full, text);
  }
  pyodide.FS.mkdirTree(WORKDIR);
  pyodide.runPython(`import sys\nif ${JSON.stringify(PY_ROOT)} not in sys.path: sys.path.insert(0, ${JSON.stringify(PY_ROOT)})`);
  const api = pyodide.pyimport('bridge.api');
  // Python calls `emit(kind, payload)`; the payload proxy lives only for the call, so it is
  // converted to plain data right away.
  const onEmit = (kind, payload) => emit(kind, toPlain(payload));
  let session = api.Session.callKwargs({ emit: onEmit, workdir: WORKDIR });
  api.destroy();
  // The bridge's one list of methods (py/bridge/methods.py): {name: {by_worker, changes_model, streams}}.
  const registry = pyodide.pyimport('bridge.methods');
  const methods = toPlain(registry.table());
  registry.destroy();

  return {
    methods,
    // The snapshot's session if it has run exactly this script ({source, filename}) on this
    // data set: its `load` answer ({ok, result}), what the script printed replayed through
    // `emit`; or null (any other script, or a page without the snapshot): load it yourself.
    adopt(script, dataset) {
      const preload = pyodide.pyimport('bridge.preload');
      const adopted = preload.adopt(script.source, script.filename, dataset, onEmit);
      preload.destroy();
      if (!adopted) return null;
      session.destroy();
      session = adopted.get(0);
      const info = toPlain(adopted.get(1));
      adopted.destroy();
      return { ok: true, result: info };
    },
    // Runs one bridge method. Returns {ok, result | error}; never throws for script errors.
    handle(method, args) {
      const pyArgs = pyodide.toPy(forPython(args ?? {}));
      try {
        return toPlain(session.handle(method, pyArgs));
      } finally {
        pyArgs?.destroy?.(); // toPy returns a number or a string as it is
      }
    },
    eval(code) {
      return this.handle('eval', { code });
    },
    // The wasm heap's size now: Python's memory, which grows and never shrinks.
    wasmBytes() {
      return pyodide._module.HEAPU8.buffer.byteLength;
    },
  };
}

// A call's arguments as toPy should see them: it makes an object a dict, an array a list and a
// typed array a memoryview (bytes stay bytes), but turns null into `jsnull`, not None. So null
// becomes undefined (toPy: None), and an object's undefined entry is left out, so that the
// handler's default applies (as when the arguments travelled as JSON).
export function forPython(value) {
  if (value == null) return undefined;
  if (Array.isArray(value)) return value.map(forPython);
  if (ArrayBuffer.isView(value) || typeof value !== 'object') return value;
  const out = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = forPython(item);
  return out;
}

export function toPlain(value) {
  if (value && typeof value.toJs === 'function') {
    const plain = value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    value.destroy?.();
    return plain;
  }
  return value;
}

// The ArrayBuffers inside a result, so postMessage can move them instead of copying.
export function transferables(value, found = new Set()) {
  if (ArrayBuffer.isView(value)) found.add(value.buffer);
  else if (Array.isArray(value)) value.forEach((item) => transferables(item, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => transferables(item, found));
  return [...found];
}
