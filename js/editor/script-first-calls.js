// "The script" chapter's first call: its hyperparameter fields read the script's constants
// (js/editor/script-panel.js). Declared here for the build's first frame (see
// js/sections/section.js; no imports: the build runs this under Node).

export function* firstCalls({ script }) {
  yield { method: 'constants', args: { source: script.source } };
}
