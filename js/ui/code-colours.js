// The code panels' colours: Python's grammar, as the editor colours it (js/editor/python-colours.js).
// Every panel shows the one script: it is parsed once per script, not per panel or per redraw.
import { colourLines } from '../editor/python-colours.js';

let last = { source: null, lines: null };

/**
 * The source's lines as {text, className} pieces.
 * @param {string} source
 */
export function colouredLines(source) {
  if (last.source !== source) last = { source, lines: colourLines(source) };
  return last.lines;
}
