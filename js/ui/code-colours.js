// The code panels' colours: Python's grammar, as the editor colours it (js/editor/python-colours.js).
// They come with the editor's module, which is not evaluated at boot (load-code-editor.js): a panel
// shows its lines plain until then, and the module is asked for once the page is idle, or at once
// if the learner already started the editor.
import { loadColourLines } from '../editor/load-code-editor.js';

let colourLines = null; // the module's colourLines, once it is there
let asked = null;
const waiting = new Set();
let last = { source: null, lines: null }; // the panels all show one script: colour it once

/**
 * The source's lines as {text, className} pieces, or null while the colours are not there yet
 * (then `onReady` is called once they are).
 * @param {string} source
 * @param {() => void} onReady
 */
export function colouredLines(source, onReady) {
  if (!colourLines) {
    waiting.add(onReady);
    ask();
    return null;
  }
  if (last.source !== source) last = { source, lines: colourLines(source) };
  return last.lines;
}

function ask() {
  if (asked) return;
  const idle = window.requestIdleCallback ?? ((fn) => setTimeout(fn, 200));
  asked = new Promise((resolve) => idle(resolve, { timeout: 3000 }))
    .then(loadColourLines)
    .then((fn) => {
      colourLines = fn;
      for (const onReady of waiting) onReady();
      waiting.clear();
    })
    .catch(() => waiting.clear()); // no editor module: the panels stay plain
}
