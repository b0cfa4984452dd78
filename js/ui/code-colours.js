// The code panels' colours: Python's grammar, as the editor colours it (js/editor/python-colours.js).
// Every panel shows the one script: it is parsed once per script, not per panel or per redraw.
//
// Parsing microgpt.py takes ~30-60 ms, too long for the first frame, where a panel that is open
// (chapter 4's "The line that ran") draws while the parser is still reading the page. So a panel
// that asks before the colours are known draws plain lines, and the grammar runs once the page
// is idle; then every panel that asked redraws, coloured.
import { colourLines } from '../editor/python-colours.js';

/** @type {{source: string | null, lines: Array<Array<{text: string, className: string}>> | null}} */
let known = { source: null, lines: null };
let scheduled = /** @type {string | null} */ (null);
const waiting = new Set();

const whenIdle = (fn) => (globalThis.requestIdleCallback ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 50));

/**
 * The source's lines as {text, className} pieces, or null until they are known (`redraw` runs then).
 * @param {string} source
 * @param {() => void} redraw
 */
export function colouredLines(source, redraw) {
  if (known.source === source) return known.lines;
  waiting.add(redraw);
  if (scheduled !== source) {
    scheduled = source;
    whenIdle(() => {
      if (scheduled !== source) return; // another script came first: its own parse is scheduled
      scheduled = null;
      known = { source, lines: colourLines(source) };
      const callers = [...waiting];
      waiting.clear();
      for (const call of callers) call();
    });
  }
  return null;
}
