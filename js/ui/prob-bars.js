// Labelled bars of a probability distribution over the vocabulary (the script's softmax output).
// Used wherever the guide shows "what comes next": the forward pass, attention's effect on the
// output, sampling.
//
//   renderProbBars(container, {
//     probs,                       // array or Float64Array, one per token id (from Python)
//     vocab,                       // info.vocab: labels and special tokens (js/ui/vocab.js)
//     labels,                      // or plain labels, one per id, where no vocab is at hand
//     marks: { sampled, argmax, target },   // optional token ids to mark
//     top: 10,                     // show the k most likely (default: all, in id order)
//     keep: [id],                  // with top: ids shown even when not among the k (they take the last places)
//     compare,                     // optional second distribution drawn as a thin ghost bar
//   });
// Each row carries data-token (the id), data-p (the exact value, for tests and tooltips) and,
// with a vocab, data-kind ('bos' | 'eos' | 'char'): a special token's row has class is-special.
import { el } from './dom.js';
import { tokenKind, tokenLabel } from './vocab.js';

const MARK_TEXT = { target: 'target', sampled: 'sampled', argmax: 'most likely' };

/**
 * @param {HTMLElement} container
 * @param {{ probs: ArrayLike<number>, vocab?: any, labels?: string[], marks?: Record<string, number | null | undefined>,
 *   top?: number | null, keep?: number[], compare?: ArrayLike<number> | null, caption?: string | null }} options
 */
export function renderProbBars(
  container,
  { probs, vocab = null, labels, marks = {}, top = null, keep = [], compare = null, caption = null },
) {
  const values = Array.from(probs);
  let ids = values.map((_, i) => i);
  if (top) ids = topIds(ids, values, top, keep);
  const max = Math.max(...ids.map((i) => Math.max(values[i], compare ? compare[i] : 0)), 1e-12);
  const labelOf = (id) => {
    const label = vocab ? tokenLabel(vocab, id) : (labels?.[id] ?? String(id));
    return label === ' ' ? '␣' : label; // a space token must still show
  };
  const rows = ids.map((id) => {
    const tags = Object.entries(marks)
      .filter(([, v]) => v === id)
      .map(([k]) => k);
    const kind = vocab ? tokenKind(vocab, id) : null;
    const bar = el('span', 'pb-bar', null);
    bar.style.width = `${(100 * values[id]) / max}%`;
    const track = el('span', 'pb-track', [bar]);
    if (compare) {
      const ghost = el('span', 'pb-ghost', null);
      ghost.style.width = `${(100 * compare[id]) / max}%`;
      track.prepend(ghost);
    }
    const classes = ['pb-row', ...tags.map((t) => `is-${t}`), kind && kind !== 'char' ? 'is-special' : null].filter(Boolean);
    return el('div', { className: classes.join(' '), dataset: { token: String(id), p: String(values[id]), ...(kind ? { kind } : {}) } }, [
      el('span', 'pb-label', labelOf(id)),
      track,
      el('span', 'pb-value', formatProb(values[id])),
      tags.length
        ? el(
            'span',
            { className: 'pb-tags', title: tags.map((t) => MARK_TEXT[t] ?? t).join(' · ') },
            tags.map((t) => MARK_TEXT[t] ?? t).join(' · '),
          )
        : null,
    ]);
  });
  const list = el('div', { className: 'prob-bars', role: 'list' }, rows);
  rows.forEach((r) => r.setAttribute('role', 'listitem'));
  container.replaceChildren(...(caption ? [el('p', 'pb-caption', caption), list] : [list]));
  return list;
}

// The `top` most likely ids, most likely first; the `keep` ids outside them replace the last ones.
function topIds(ids, values, top, keep) {
  const sorted = ids.sort((a, b) => values[b] - values[a]);
  const extra = keep.filter((id) => id != null && sorted.indexOf(id) >= top);
  return [...sorted.slice(0, Math.max(0, top - extra.length)), ...extra];
}

export function formatProb(p) {
  if (p >= 0.01) return `${(100 * p).toFixed(1)}%`;
  if (p >= 0.0001) return `${(100 * p).toFixed(2)}%`;
  return p.toExponential(1);
}
