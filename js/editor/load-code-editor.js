// The CodeMirror editor's module (js/editor/code-editor.js with CodeMirror, bundled on its own by
// the build and embedded gzip+text8), decoded and imported on first use: it is a third of the
// page's JavaScript, and evaluating it at boot would hold up the page's first paint.
import { readEditorModule } from '../embedded.js';
import { text8ToBytes } from '../codec/text8.js';
import { gunzipText } from '../codec/bytes.js';
import { importSource } from '../worker/import-source.js';

let loading = null;

// The CodeEditor class (a promise; the module is decoded and imported once).
export function loadCodeEditor() {
  loading ??= readEditorModule()
    .then((text) => gunzipText(text8ToBytes(text)))
    .then(importSource)
    .then((module) => module.CodeEditor);
  return loading;
}
