// A titled panel inside a section's live area: a heading (with an optional "?" jargon marker
// and a small action on the right, such as "see the code") and a body the section fills.
//
//   const card = liveCard({ title: 'Vocabulary', term: 'vocabulary', action: button });
//
// `term`: a glossary id (js/glossary.json): its "?" explains it and links to the entry. `help`:
// [term, explanation] for a word the glossary does not hold, explained here only.
//   card.body.append(...)
import { el } from './dom.js';
import { helpMarker } from './tooltip.js';
import { termMarker } from './glossary.js';

/**
 * @param {{ title: any, term?: string, help?: string[], action?: Node | null, className?: string }} options
 */
export function liveCard({ title, term, help, action, className = '' }) {
  const heading = el('h3', 'live-card-title', title);
  if (term) heading.append(termMarker(term));
  else if (help) heading.append(helpMarker(help[0], help[1]));
  const head = el('div', 'live-card-head', [heading, action]);
  const body = el('div', 'live-card-body');
  const root = el('div', `live-card ${className}`.trim(), [head, body]);
  return { root, head, body };
}
