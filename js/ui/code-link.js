// A small button that opens a section's code panel on the lines of one part of the script
// ("lines 26–29"): the link between a drawing and the Python it comes from. The line numbers
// come from the panel's phases (the script's AST), so the label follows an edited script.
//
//   const link = codeLink(panel, ['tokenizer']);   // link.button goes in a card's heading
//   link.refresh();                                // after panel.setScript(...): new line numbers
import { el } from './dom.js';

export function codeLink(panel, marked) {
  const button = el('button', { type: 'button', className: 'code-link' });
  const refresh = () => {
    const ranges = panel.ranges(marked);
    button.hidden = ranges.length === 0;
    const where = ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
    button.textContent = `${ranges.length === 1 && ranges[0][0] === ranges[0][1] ? 'line' : 'lines'} ${where}`;
    button.title = `Show these lines of the script in the code panel below`;
  };
  button.addEventListener('click', () => showLines(panel, marked));
  return { button, refresh };
}

// Open the panel with `marked` (phase names or [first, last] pairs) highlighted, in view.
export function showLines(panel, marked) {
  panel.details.open = true; // open first: an open panel draws its lines at once
  panel.highlight(marked);
  const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  panel.details.scrollIntoView({ block: 'nearest', behavior: smooth ? 'smooth' : 'auto' });
}
