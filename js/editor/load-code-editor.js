// The CodeMirror module (js/code-module.js: the editor and the runs' script diff, bundled on its own by
// the build and embedded gzip+text8), decoded and imported on first use: it is a third of the
// page's JavaScript, and evaluating it at boot would hold up the page's first paint.
import { readEditorModule } from '../embedded.js';
import { text8ToBytes } from '../codec/text8.js';
import { gunzipText } from '../codec/bytes.js';
import { importSource } from '../worker/import-source.js';

let loading = null;

// The module (a promise; it is decoded and imported once).
export function loadCodeModule() {
  loading ??= readEditorModule()
    .then((text) => gunzipText(text8ToBytes(text)))
    .then(importSource);
  return loading;
}

// The CodeEditor class (a promise).
export const loadCodeEditor = () => loadCodeModule().then((module) => module.CodeEditor);
