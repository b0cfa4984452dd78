// Chapter 1, what training makes of a document: the (input -> target) pairs tokens[pos] ->
// tokens[pos + 1], and the ones dropped when the training loop visits fewer positions than the
// document has pairs. Everything drawn is the bridge's `tokenize` result: the script's own
// tokens, its token list's name and n, the number of positions its position loop visits.
import { el } from '../../ui/dom.js';
import { chipForId } from '../../ui/token-chip.js';
import { termMarker } from '../../ui/glossary.js';
import { isSpecial, tokenLabel } from '../../ui/vocab.js';

export function renderPairs(container, result, vocab) {
  const { tokens, n, pairs, tokens_var: tokensVar } = result;
  if (!tokens) {
    container.replaceChildren(el('p', 'pairs-none', 'No pairs: the training loop cannot turn this text into tokens (see above).'));
    return;
  }
  const label = (id) => (isSpecial(vocab, id) ? tokenLabel(vocab, id) : `'${tokenLabel(vocab, id)}'`);
  const dropped = pairs.filter((p) => !p.kept);
  const formula = el(
    'p',
    'pairs-formula',
    [
      el('code', null, `len(${tokensVar}) - 1 = ${tokens.length - 1}`),
      ` pair${tokens.length === 2 ? '' : 's'}; `,
      n != null
        ? ['the position loop visits ', el('strong', 'pairs-n', String(n)), ` position${n === 1 ? '' : 's'}`]
        : 'the bridge could not count the positions the loop visits (its iterable has no length), so every pair is shown as used',
      termMarker('block-size'),
    ].flat(),
  );
  const last = pairs.at(-1);
  let summary;
  if (dropped.length) {
    summary =
      `The model makes ${n} prediction${n === 1 ? '' : 's'} on this document. The last ${dropped.length} pair${dropped.length > 1 ? 's are' : ' is'} dropped: ` +
      "the document is longer than the loop's context, so the model never learns its end.";
  } else {
    const end =
      last && isSpecial(vocab, last.target)
        ? `, the last one (→ ${label(last.target)}) teaching the model that the document ends here`
        : '';
    summary = `The model makes ${pairs.length} prediction${pairs.length === 1 ? '' : 's'} on this document, one per pair. Every pair is used${end}.`;
  }
  const strip = el('ol', { className: 'pair-strip', 'aria-label': '(input, target) pairs by position' });
  for (const pair of pairs) {
    const item = el(
      'li',
      {
        className: `pair${pair.kept ? '' : ' dropped'}`,
        dataset: { pos: String(pair.pos), kept: String(pair.kept) },
        title: pair.kept
          ? `position ${pair.pos}: the model reads ${label(pair.input)} and should predict ${label(pair.target)}`
          : `position ${pair.pos} is not visited (the loop visits only ${n}): this pair is dropped`,
      },
      [
        el('span', 'pair-pos', String(pair.pos)),
        chipForId(pair.input, vocab, { small: true }),
        el('span', { className: 'pair-arrow', 'aria-label': 'predicts' }, '↓'),
        chipForId(pair.target, vocab, { small: true }),
        pair.kept ? null : el('span', 'pair-cut', 'dropped'),
      ],
    );
    strip.append(item);
  }
  // Row labels, on the same grid as every pair's column.
  const legend = el('div', { className: 'pair-legend', 'aria-hidden': 'true' }, [
    el('span', 'pair-pos', 'position'),
    el('span', 'legend-row', 'input'),
    el('span', 'pair-arrow', ''),
    el('span', 'legend-row', 'target'),
  ]);
  container.replaceChildren(formula, el('div', 'pair-wrap', [legend, strip]), el('p', 'pairs-summary', summary));
}
