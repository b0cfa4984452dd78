// The CodeMirror editor's module (js/editor/code-editor.js with CodeMirror, bundled on its own by
// the build and embedded gzip+text7), decoded and imported on first use: it is a third of the
// page's JavaScript, and evaluating it at boot would hold up the page's first paint.
import { readEditorModule } from '../embedded.js';
import { text7ToBytes } from '../worker/text7.js';
import { gunzipText } from '../worker/decode.js';
import { importSource } from '../worker/import-source.js';

let loading = null;

// The module (a promise; it is decoded and imported once).
function loadEditorModule() {
  loading ??= readEditorModule()
    .then((text) => gunzipText(text7ToBytes(text)))
    .then(importSource);
  return loading;
}

// The CodeEditor class (a promise).
export function loadCodeEditor() {
  return loadEditorModule().then((module) => module.CodeEditor);
}

// colourLines(source): the script's lines in the editor's colours (a promise; python-colours.js).
export function loadColourLines() {
  return loadEditorModule().then((module) => module.colourLines);
}
