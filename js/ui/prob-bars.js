// Labelled bars of a probability distribution over the vocabulary (the script's softmax output).
// Used wherever the guide shows "what comes next": the forward pass, attention's effect on the
// output, sampling.
//
//   renderProbBars(container, {
//     probs,                       // array or Float64Array, one per token id (from Python)
//     labels,                      // token labels, e.g. [...uchars, 'BOS']
//     marks: { sampled, argmax, target },   // optional token ids to mark
//     top: 10,                     // show the k most likely (default: all, in id order)
//     keep: [id],                  // with top: ids shown even when not among the k (they take the last places)
//     compare,                     // optional second distribution drawn as a thin ghost bar
//   });
// Each row carries data-token (the id) and data-p (the exact value, for tests and tooltips).
import { el } from './dom.js';

const MARK_TEXT = { target: 'target', sampled: 'sampled', argmax: 'most likely' };

export function renderProbBars(container, { probs, labels, marks = {}, top = null, keep = [], compare = null, caption = null }) {
  const values = Array.from(probs);
  let ids = values.map((_, i) => i);
  if (top) ids = topIds(ids, values, top, keep);
  const max = Math.max(...ids.map((i) => Math.max(values[i], compare ? compare[i] : 0)), 1e-12);
  const rows = ids.map((id) => {
    const tags = Object.entries(marks).filter(([, v]) => v === id).map(([k]) => k);
    const bar = el('span', 'pb-bar', null);
    bar.style.width = `${(100 * values[id]) / max}%`;
    const track = el('span', 'pb-track', [bar]);
    if (compare) {
      const ghost = el('span', 'pb-ghost', null);
      ghost.style.width = `${(100 * compare[id]) / max}%`;
      track.prepend(ghost);
    }
    return el('div', { className: `pb-row${tags.map((t) => ` is-${t}`).join('')}`, dataset: { token: String(id), p: String(values[id]) } }, [
      el('span', 'pb-label', labels?.[id] ?? String(id)),
      track,
      el('span', 'pb-value', formatProb(values[id])),
      tags.length ? el('span', 'pb-tags', tags.map((t) => MARK_TEXT[t] ?? t).join(' · ')) : null,
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
