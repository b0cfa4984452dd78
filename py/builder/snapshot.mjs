// Makes the page's memory snapshot of Python (py/builder/snapshot.py): boots the same Pyodide the
// page embeds, under Node, with the page's own standard library, puts the bridge where the
// worker's js/worker/session.js puts it and imports it, runs the default script's setup in a
// bridge Session as the worker's boot would (py/bridge/preload.py), then writes Pyodide's snapshot
// of its memory (`makeMemorySnapshot`). The worker adopts that session only for the very same
// script and data set; for any other script it loads that one as after a cold start.
//
//   node snapshot.mjs --stdlib ZIP --sources FILE --script FILE --dataset FILE --out FILE --modules FILE
//
// --stdlib: the page's boot zip; --sources: JSON {path: text}, the bridge package as the build
// embeds it (the worker's pythonSources); --script: JSON {filename, source}, the page's default
// script, and --dataset: its data set (text), whose setup is run in the snapshot
// (py/bridge/preload.py); --out: the snapshot as Pyodide writes it; --modules: JSON list of the
// boot zip's entries Python has imported by then (the page need not carry them).
//
// Run it with TZ=UTC: the snapshot then holds no time zone of the build machine's (the worker
// sets the reader's own after restoring it, js/worker/snapshot.js).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadPyodide } from 'pyodide';

// Where js/worker/session.js writes the bridge's sources (its PY_ROOT), and the bridge's working
// directory there (its WORKDIR): the prepared session's files are under it.
const PY_ROOT = '/home/pyodide/guide';
const WORKDIR = '/home/pyodide/run';

const { values } = parseArgs({
  options: {
    stdlib: { type: 'string' },
    sources: { type: 'string' },
    script: { type: 'string' },
    dataset: { type: 'string' },
    out: { type: 'string' },
    modules: { type: 'string' },
  },
});

// Python's state before the snapshot: what session.js does first (the bridge on sys.path,
// imported), the lazy stdlib's finder module loaded (not installed: that needs a JavaScript
// function, which a snapshot cannot hold), the default script's setup run in the session the
// worker adopts (py/bridge/preload.py; `script`, `dataset` and `workdir` are set by main), and
// nothing that ties it to this process: the zip directories zipimport read are forgotten (the
// page's zips may be cut differently), sys.path is left as Pyodide's start leaves it before its
// own "" (which it puts back when it loads the snapshot, then session.js adds the bridge's
// directory before it, as after a cold start), and the garbage is collected.
const PREPARE = `
import sys, gc, zipimport
if ${JSON.stringify(PY_ROOT)} not in sys.path: sys.path.insert(0, ${JSON.stringify(PY_ROOT)})
import bridge.api
import bridge.preload
try:
    import _guide_stdlib
except ImportError:
    pass
bridge.preload.prepare(script["source"], script["filename"], dataset, workdir)
del script, dataset
for entry in ("", ${JSON.stringify(PY_ROOT)}):
    while entry in sys.path:
        sys.path.remove(entry)
zipimport._zip_directory_cache.clear()
sys.path_importer_cache.clear()
gc.collect()
`;

// The boot zip's entries whose modules are imported (their code is in the snapshot's memory).
const IMPORTED = `
import json, sys
_zip = "/lib/python314.zip/"
json.dumps(sorted({m.__spec__.origin[len(_zip):] for m in list(sys.modules.values())
                   if getattr(getattr(m, "__spec__", None), "origin", None) and m.__spec__.origin.startswith(_zip)}))
`;

// The allocator's free memory (below the break) zeroed: what it holds is garbage of freed
// objects, which would only make the snapshot compress worse. Each chunk is allocated, zeroed
// and freed again; nothing live is touched.
function zeroFreeMemory(module) {
  const brk = module._sbrk(0) >>> 0;
  const held = [];
  for (let size = 1 << 22; size >= 16; size >>= 1) {
    for (;;) {
      const p = module._malloc(size) >>> 0;
      if (!p) break;
      if (p + size > brk) {
        module._free(p);
        break;
      }
      module.HEAPU8.fill(0, p, p + size);
      held.push(p);
    }
  }
  for (const p of held) module._free(p);
}

async function main() {
  // Emscripten's program name in a browser (Node's would be this file's path): sys.executable
  // and $_ are then what a cold start in the page gives.
  const pyodide = await loadPyodide({
    stdout: () => {},
    stderr: () => {},
    stdLibURL: values.stdlib,
    _makeSnapshot: true,
    _sysExecutable: './this.program',
  });
  for (const [path, text] of Object.entries(JSON.parse(readFileSync(values.sources, 'utf8')))) {
    const full = `${PY_ROOT}/${path}`;
    pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    pyodide.FS.writeFile(full, text);
  }
  // In a namespace of their own: __main__'s stays as a cold start leaves it.
  const scratch = pyodide.globals.get('dict')();
  pyodide.FS.mkdirTree(WORKDIR);
  const script = pyodide.toPy(JSON.parse(readFileSync(values.script, 'utf8')));
  scratch.set('script', script);
  script.destroy();
  scratch.set('dataset', readFileSync(values.dataset, 'utf8'));
  scratch.set('workdir', WORKDIR);
  pyodide.runPython(PREPARE, { globals: scratch });
  const imported = pyodide.runPython(IMPORTED, { globals: scratch });
  scratch.destroy(); // a snapshot may hold no reference to a JavaScript object
  zeroFreeMemory(pyodide._module);
  writeFileSync(values.out, pyodide.makeMemorySnapshot());
  writeFileSync(values.modules, imported);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`snapshot.mjs: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
