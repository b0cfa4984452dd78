// Reads what the build embedded in this HTML file: the Pyodide runtime (compressed, as text: see
// js/worker/asset-decode.js), the Python sources, the data set, the worker's own code and the
// editor's module. The page only reads text here; all
// decoding happens in the worker, off the UI thread.

function block(name) {
  const el = document.querySelector(`script[data-embedded="${name}"]`);
  if (!el) throw new Error(`This page is missing its embedded "${name}" block; was it built with \`make build\`?`);
  return el.textContent;
}

// Every runtime asset: {name, encoding: e.g. 'lzma+text7' | 'text', text}. A large asset is split
// over several elements in order (see the build); its text is their concatenation.
export function readRuntimeAssets() {
  const assets = new Map();
  for (const el of document.querySelectorAll('script[data-asset]')) {
    const asset = assets.get(el.dataset.asset) ?? { name: el.dataset.asset, encoding: el.dataset.encoding, parts: [] };
    asset.parts.push(el.textContent);
    assets.set(asset.name, asset);
  }
  return [...assets.values()].map(({ name, encoding, parts }) => ({ name, encoding, text: parts.join('') }));
}

export function readPythonSources() {
  return JSON.parse(block('python-sources'));
}

export function readDefaultScript() {
  return JSON.parse(block('default-script'));
}

// The CodeMirror editor's module, gzip+text7 (js/editor/load-code-editor.js).
export function readEditorModule() {
  return block('editor-module');
}

export function readDataset() {
  return { encoding: 'gzip+base64', text: block('dataset') };
}

export function readBuildInfo() {
  return JSON.parse(block('build-info'));
}

// A module worker from a data: URL: the only kind that starts from file:// in every engine we
// test (a blob: URL module worker fails on file:// in Chromium; Pyodide refuses classic workers).
export function spawnWorker() {
  const source = block('worker-source');
  const url = 'data:text/javascript;charset=utf-8,' + encodeURIComponent(source);
  return new Worker(url, { type: 'module', name: 'python' });
}
