// The lazily loaded module's entry (py/builder/build.py bundles it on its own; the page imports it
// on first use: js/editor/load-code-editor.js): everything built on CodeMirror, so that CodeMirror
// is embedded once and never evaluated at boot.
export { CodeEditor } from './editor/code-editor.js';
export { ScriptDiff } from './sections/runs/script-diff-view.js';
