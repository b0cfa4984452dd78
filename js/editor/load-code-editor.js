// The CodeMirror editor's module (js/editor/code-editor.js with CodeMirror, bundled on its own by
// the build and embedded gzip+text7), decoded and imported on first use: it is a third of the
// page's JavaScript, and evaluating it at boot would hold up the page's first paint.
import { readEditorModule } from '../embedded.js';
import { text7ToBytes } from '../worker/text7.js';
import { gunzipText } from '../worker/decode.js';
import { importSource } from '../worker/import-source.js';

let loading = null;

// The CodeEditor class (a promise; the module is decoded and imported once).
export function loadCodeEditor() {
  loading ??= readEditorModule()
    .then((text) => gunzipText(text7ToBytes(text)))
    .then(importSource)
    .then((module) => module.CodeEditor);
  return loading;
}
