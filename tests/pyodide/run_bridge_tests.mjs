// Runs the unit tests (tests/unit) inside Pyodide's CPython 3.14 under Node, offline.
//
// The bridge depends on behaviour that changed in CPython 3.14 (sys.monitoring, write-through
// frame f_locals), and the page runs it on Pyodide's 3.14 while `make unit` uses the host's
// Python. So the same pytest suite runs here too:
//
//   node tests/pyodide/run_bridge_tests.mjs            # tests/unit -m "not slow"
//   node tests/pyodide/run_bridge_tests.mjs -k trace   # any pytest arguments instead
//
// pytest is not in Pyodide's package set and there is no network, so pytest and its pure-Python
// dependencies are taken from the project's virtualenv (`make py-deps` installs them, pinned in
// pyproject.toml); they import unchanged on 3.14. Tests needing a subprocess or the network skip
// themselves when sys.platform == "emscripten". Exit status: pytest's own (0 = all passed; 1 =
// failures; 5 = nothing collected), or 2 when the runner itself cannot start.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPyodide } from 'pyodide';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
// pytest and the distributions it requires (its metadata: iniconfig, packaging, pluggy, pygments),
// each as its import names plus its *.dist-info (pytest reads its own and pluggy's versions and
// entry points from it). `py.py` is pytest's compatibility shim. Only these are exposed, not the
// whole virtualenv, so that a test cannot pass here by importing a host-only package.
const PYTEST_DISTS = {
  pytest: ['pytest', '_pytest', 'py.py'],
  pluggy: ['pluggy'],
  iniconfig: ['iniconfig'],
  packaging: ['packaging'],
  pygments: ['pygments'],
};
// The checkout is copied into Pyodide's in-memory file system rather than mounted: pytest and the
// tests write files (caches, input.txt, tmp dirs) and the checkout must stay untouched.
// tests/variants: the variant scripts and their data, which test_variants.py runs through the
// bridge here too (part (b), for a few of them: tests/unit/test_variants.py PYODIDE_SUBSET).
// js/protocol.js and js/worker/worker.js: tests/unit/test_methods.py checks them against the
// bridge's method registry.
const COPY = ['pyproject.toml', 'py', 'tests/unit', 'tests/variants', 'tests/conftest.py', 'js/protocol.js', 'js/worker/worker.js'];
const SKIP_NAMES = new Set(['__pycache__', '.pytest_cache', 'node_modules']);
const DEFAULT_ARGS = ['tests/unit', '-m', 'not slow'];

function sitePackages() {
  if (process.env.PYTEST_SITE_PACKAGES) return resolve(process.env.PYTEST_SITE_PACKAGES);
  const lib = join(REPO, '.venv', 'lib');
  for (const version of existsSync(lib) ? readdirSync(lib).sort() : []) {
    const candidate = join(lib, version, 'site-packages');
    if (existsSync(join(candidate, '_pytest'))) return candidate;
  }
  throw new Error('pytest not found in .venv: run `make py-deps` (or set PYTEST_SITE_PACKAGES)');
}

// The entries of site-packages that make up PYTEST_DISTS.
function pytestParts(site) {
  const entries = readdirSync(site);
  const parts = [];
  for (const [dist, names] of Object.entries(PYTEST_DISTS)) {
    const info = entries.filter((e) => e.toLowerCase().startsWith(`${dist}-`) && e.endsWith('.dist-info'));
    for (const name of [...names, ...info]) {
      if (!entries.includes(name)) throw new Error(`${name} missing from ${site}`);
      parts.push(name);
    }
    if (info.length !== 1) throw new Error(`expected one ${dist}-*.dist-info in ${site}, found ${info}`);
  }
  return parts;
}

// Emscripten's file-system errors carry an errno and no message: name the path at least.
function fsCall(what, path, fn) {
  try {
    return fn();
  } catch (err) {
    if (err && err.name === 'ErrnoError') throw new Error(`${what} ${path}: errno ${err.errno}`, { cause: err });
    throw err;
  }
}

function copyIntoPyodide(FS, hostPath, pyPath) {
  if (!existsSync(hostPath)) return;
  if (statSync(hostPath).isDirectory()) {
    FS.mkdirTree(pyPath);
    for (const name of readdirSync(hostPath)) {
      if (!SKIP_NAMES.has(name) && !name.endsWith('.pyc')) {
        copyIntoPyodide(FS, join(hostPath, name), `${pyPath}/${name}`);
      }
    }
  } else {
    fsCall('write', pyPath, () => {
      FS.mkdirTree(pyPath.slice(0, pyPath.lastIndexOf('/')));
      FS.writeFile(pyPath, readFileSync(hostPath));
    });
  }
}

async function main() {
  const site = sitePackages();
  // The stock stdlib (.py sources): these tests are about the bridge, and the page's own zips
  // are tested by tests/unit/test_stdlib.py.
  const pyodide = await loadPyodide();
  // Pass pytest's output through byte for byte (it is the report CI shows).
  const passThrough = (stream) => ({
    write: (bytes) => {
      stream.write(bytes);
      return bytes.length;
    },
  });
  pyodide.setStdout(passThrough(process.stdout));
  pyodide.setStderr(passThrough(process.stderr));

  const { FS } = pyodide;
  for (const part of COPY) copyIntoPyodide(FS, join(REPO, part), `/repo/${part}`);
  // pytest's packages are read in place (a read-only use: Pyodide writes no bytecode),
  // behind symlinks in a directory of their own on sys.path.
  FS.mkdirTree('/host-site');
  pyodide.mountNodeFS('/host-site', site);
  FS.mkdirTree('/pytest-deps');
  for (const part of pytestParts(site)) {
    fsCall('symlink', part, () => FS.symlink(`/host-site/${part}`, `/pytest-deps/${part}`));
  }

  const args = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_ARGS;
  pyodide.globals.set('pytest_args', pyodide.toPy(args));
  const started = performance.now();
  const code = pyodide.runPython(`
import os, sys
sys.path.insert(0, "/pytest-deps")
sys.dont_write_bytecode = True  # pytest's assertion rewriting must not try to cache .pyc
os.chdir("/repo")
import pytest
# No cache directory: the in-memory file system is gone when the process ends.
int(pytest.main(["-p", "no:cacheprovider", *pytest_args]))
`);
  process.stderr.write(
    `run_bridge_tests: Python ${pyodide.runPython('import sys; sys.version.split()[0]')} ` +
      `(Pyodide ${pyodide.version}), pytest exit ${code}, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`run_bridge_tests: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  },
);
