// Chapter 1, what training makes of a name: the (input -> target) pairs tokens[pos] ->
// tokens[pos + 1], and the ones dropped when the name is longer than block_size allows.
// Everything drawn is the bridge's `tokenize` result: the script's own tokens and n.
import { el } from '../ui/dom.js';
import { chipForId } from '../ui/token-chip.js';
import { termMarker } from '../ui/glossary.js';

export function renderPairs(container, result, vocab) {
  const { tokens, n, block_size: blockSize, pairs } = result;
  if (!tokens) {
    container.replaceChildren(el('p', 'pairs-none', 'No pairs: the training loop cannot turn this text into tokens (see above).'));
    return;
  }
  const dropped = pairs.filter((p) => !p.kept);
  const formula = el('p', 'pairs-formula', [
    el('code', null, `n = min(block_size, len(tokens) - 1) = min(${blockSize}, ${tokens.length - 1}) = ${n}`),
    termMarker('block-size'),
  ]);
  const summary = el('p', 'pairs-summary', dropped.length
    ? `The loop runs pos_id over range(n): ${n} predictions. The last ${dropped.length} pair${dropped.length > 1 ? 's are' : ' is'} dropped — this name is longer than block_size allows, so the model never learns its end.`
    : `The loop runs pos_id over range(n): ${n} prediction${n === 1 ? '' : 's'}, one per pair. Every pair is used, the last one teaching the model that the name ends here.`);
  const strip = el('ol', { className: 'pair-strip', 'aria-label': '(input, target) pairs by position' });
  for (const pair of pairs) {
    const item = el('li', {
      className: `pair${pair.kept ? '' : ' dropped'}`,
      dataset: { pos: String(pair.pos), kept: String(pair.kept) },
      title: pair.kept
        ? `pos_id ${pair.pos}: the model reads token ${pair.input} and should predict ${pair.target}`
        : `pos_id ${pair.pos} is not < n = ${n}: this pair is dropped`,
    }, [
      el('span', 'pair-pos', String(pair.pos)),
      chipForId(pair.input, vocab, { small: true }),
      el('span', { className: 'pair-arrow', 'aria-label': 'predicts' }, '↓'),
      chipForId(pair.target, vocab, { small: true }),
      pair.kept ? null : el('span', 'pair-cut', 'dropped'),
    ]);
    strip.append(item);
  }
  // Row labels, on the same grid as every pair's column.
  const legend = el('div', { className: 'pair-legend', 'aria-hidden': 'true' }, [
    el('span', 'pair-pos', 'pos_id'), el('span', 'legend-row', 'input'), el('span', 'pair-arrow', ''), el('span', 'legend-row', 'target'),
  ]);
  container.replaceChildren(formula, el('div', 'pair-wrap', [legend, strip]), summary);
}
