// Reads what the build embedded in this HTML file: the Pyodide runtime (compressed, as text: see
// js/worker/asset-decode.js), the Python sources, the data set, the worker's own code and the
// editor's module. The page only reads text here; all
// decoding happens in the worker, off the UI thread.
//
// The page's script runs before the parser has read the whole file (it is an async module
// placed before the runtime: see py/builder/build.py). What the first frame and the worker's
// boot message need is above it; the runtime and the editor are below it, read as they come.

function block(name) {
  const el = document.querySelector(`script[data-embedded="${name}"]`);
  if (!el) throw new Error(`This page is missing its embedded "${name}" block; was it built with \`make build\`?`);
  return el.textContent;
}

// Resolves once the whole file is parsed: the blocks below the page's script exist from then.
export function parsed() {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
}

// Calls onPiece({name, encoding: e.g. 'gzip+text8' | 'text', text, last}) for each piece of
// each runtime asset (a large one is split over several elements in a row, see the build), in
// order, as soon as the parser has read it; `last` marks an asset's final piece. Resolves once
// the page is parsed and every piece was reported.
export function eachRuntimeAsset(onPiece) {
  let reported = 0; // elements handed over so far, in document order
  const report = (final) => {
    const elements = [.../** @type {NodeListOf<HTMLScriptElement>} */ (document.querySelectorAll('script[data-asset]'))];
    for (; reported < elements.length; reported++) {
      const el = elements[reported];
      // Read once the parser has begun the next block. Only a parsed element counts: the page
      // adds its own (tooltips), never a script, at the body's end.
      if (!final && el.nextElementSibling?.nodeName !== 'SCRIPT') return;
      const { asset: name, encoding } = el.dataset;
      onPiece({ name, encoding, text: el.textContent, last: elements[reported + 1]?.dataset.asset !== name });
    }
  };
  if (document.readyState !== 'loading') {
    report(true);
    return Promise.resolve();
  }
  const observer = new MutationObserver(() => report(false));
  observer.observe(document.body, { childList: true });
  return parsed().then(() => {
    observer.disconnect();
    report(true);
  });
}

// The bridge's sources as the worker decodes them (js/worker/worker.js): {encoding, text}.
export function readPythonSources() {
  return { encoding: 'gzip+text8', text: block('python-sources') };
}

export function readDefaultScript() {
  return JSON.parse(block('default-script'));
}

// The CodeMirror editor's module, gzip+text8 (js/editor/load-code-editor.js).
export async function readEditorModule() {
  await parsed();
  return block('editor-module');
}

export function readDataset() {
  return { encoding: 'gzip+base64', text: block('dataset') };
}

export function readBuildInfo() {
  return JSON.parse(block('build-info'));
}

// The build's checkpoints of the default script (py/builder/checkpoints.py), parsed, once the
// file is parsed (they come after the page's script); null when this page has none.
export async function readCheckpoints() {
  await parsed();
  const el = document.querySelector('script[data-embedded="checkpoints"]');
  return el ? JSON.parse(el.textContent) : null;
}

// A module worker from a data: URL: the only kind that starts from file:// in every engine we
// test (a blob: URL module worker fails on file:// in Chromium; Pyodide refuses classic workers).
// The first one was started by the page's head (py/builder/build.py), ~0.2-0.4 s before this
// script runs: it is handed over once; a restart's worker is a new one.
export function spawnWorker() {
  const started = window.__pythonWorker;
  if (started) {
    window.__pythonWorker = null;
    return started;
  }
  const source = block('worker-source');
  const url = 'data:text/javascript;charset=utf-8,' + encodeURIComponent(source);
  return new Worker(url, { type: 'module', name: 'python' });
}
