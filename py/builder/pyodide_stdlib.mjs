// Runs the build-time steps of the page's standard library inside Pyodide under Node.
// builder/stdlib.py (host CPython) calls this; the Python that runs inside Pyodide lives in
// stdlib_workload.py (which modules are used) and stdlib_compile.py (sources -> .pyc), because
// .pyc files and the list of lazily imported modules must both come from Pyodide's CPython 3.14.
//
//   node pyodide_stdlib.mjs trace   --py DIR --out FILE [--options JSON]
//   node pyodide_stdlib.mjs compile --out-dir DIR --files FILE
//   node pyodide_stdlib.mjs check   --py DIR --out FILE --stdlib ZIP [--lazy GZ] [--runs N] [--options JSON]
//
// trace:   boot stock Pyodide, run the workload, write its JSON report (modules loaded from zip).
// compile: boot stock Pyodide, compile the listed sources into DIR as .pyc: FILE is JSON
//          {files: [paths in the stock zip], own: {path in the zip: source path under py/}}.
// check:   boot Pyodide with ZIP (or "stock") N times to time it, then run the workload on the
//          last instance; write {ready_ms: [...], report}. With --lazy (the lazy zip,
//          gzip-compressed) the page's lazy finder is installed first, as the worker does.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPyodide } from 'pyodide';
import { installLazyStdlib } from '../../js/worker/lazy-stdlib.js';

// Where the interpreter finds its stdlib zip: fixed by Pyodide (/lib/python<major><minor>.zip).
const ZIP_PATH = '/lib/python314.zip';
// Host directories appear at these paths inside Pyodide (NODEFS mounts, read through).
const PY_MOUNT = '/build/py';
const OUT_MOUNT = '/build/out';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    py: { type: 'string' },
    out: { type: 'string' },
    'out-dir': { type: 'string' },
    files: { type: 'string' },
    stdlib: { type: 'string', default: 'stock' },
    lazy: { type: 'string' },
    runs: { type: 'string', default: '1' },
    options: { type: 'string', default: '{}' },
  },
});

// Boot Pyodide, timing loadPyodide alone (what the page's "ready" waits for).
// Script output is dropped: the workload reports through its return value.
async function boot(stdlib) {
  const config = { stdout: () => {}, stderr: (line) => process.stderr.write(line + '\n') };
  if (stdlib !== 'stock') config.stdLibURL = resolve(stdlib);
  const start = performance.now();
  const pyodide = await loadPyodide(config);
  return { pyodide, readyMs: performance.now() - start };
}

function mount(pyodide, hostDir, at) {
  pyodide.FS.mkdirTree(at);
  pyodide.mountNodeFS(at, resolve(hostDir));
}

// Import a module of this directory from the mounted py/ and call its run(options_json).
function callPython(pyodide, moduleName, options) {
  pyodide.runPython(`import sys\nif ${JSON.stringify(PY_MOUNT)} not in sys.path: sys.path.insert(0, ${JSON.stringify(PY_MOUNT)})`);
  const module = pyodide.pyimport(moduleName);
  try {
    return JSON.parse(module.run(JSON.stringify(options)));
  } finally {
    module.destroy();
  }
}

function workloadOptions() {
  return {
    zip_path: ZIP_PATH,
    py_dir: PY_MOUNT,
    script: 'microgpt.py',
    dataset: 'data/names.txt',
    workdir: '/home/pyodide/run',
    lazy_zip_path: ZIP_PATH.replace(/\.zip$/, '-lazy.zip'),
    ...JSON.parse(values.options),
  };
}

async function main() {
  const command = positionals[0];
  if (command === 'trace' || command === 'check') {
    const runs = command === 'check' ? Number(values.runs) : 1;
    const readyMs = [];
    let pyodide;
    for (let i = 0; i < runs; i++) {
      ({ pyodide, readyMs: readyMs[i] } = await boot(command === 'check' ? values.stdlib : 'stock'));
    }
    if (command === 'check' && values.lazy) installLazyStdlib(pyodide, () => new Uint8Array(readFileSync(values.lazy)));
    mount(pyodide, values.py, PY_MOUNT);
    const report = callPython(pyodide, 'builder.stdlib_workload', workloadOptions());
    const result = command === 'check' ? { ready_ms: readyMs, report } : report;
    writeFileSync(values.out, JSON.stringify(result, null, 1));
  } else if (command === 'compile') {
    const { pyodide } = await boot('stock');
    mkdirSync(values['out-dir'], { recursive: true });
    mount(pyodide, values['out-dir'], OUT_MOUNT);
    mount(pyodide, resolve(dirname(fileURLToPath(import.meta.url)), '..'), PY_MOUNT);
    const { files, own } = JSON.parse(readFileSync(values.files, 'utf8'));
    const result = callPython(pyodide, 'builder.stdlib_compile', {
      source_zip: ZIP_PATH,
      files,
      own: Object.fromEntries(Object.entries(own ?? {}).map(([name, path]) => [name, `${PY_MOUNT}/${path}`])),
      out_dir: OUT_MOUNT,
      display_prefix: ZIP_PATH + '/',
    });
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    throw new Error(`unknown command ${JSON.stringify(command)}: use trace, compile or check`);
  }
}

// Any failure must end the process non-zero so the Python build stops with the message.
main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`pyodide_stdlib.mjs: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
