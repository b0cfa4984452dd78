// Sentences that quote the script: `code` between backticks becomes a <code> element, the rest
// text nodes (never parsed as HTML). The chapters write their sentences with the script's own
// statements and names in backticks, and this turns them into DOM.
//
//   el('p', 'note', codeSpans('The loss is what `loss.backward()` was called on.'))
import { el } from '../../ui/dom.js';

export function codeSpans(text) {
  return String(text ?? '')
    .split('`')
    .map((part, i) => (i % 2 ? el('code', null, part) : document.createTextNode(part)));
}

// The sentence without its backticks, for a title or an aria-label.
export function plainText(text) {
  return String(text ?? '').replaceAll('`', '');
}
