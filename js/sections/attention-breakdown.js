// Chapter 5, one score taken apart: for the picked head, query and key, the script's q_h and
// k_h vectors, their element products, the sum, the division by sqrt(head_dim), and the softmax
// over the query's row. The vectors, the scores (attn_logits) and the weights (attn_weights)
// are the bridge's numbers from gpt()'s frame; the products, sums and exponentials in between
// are JavaScript arithmetic on those numbers, only to show the steps, and are labelled so. The
// script's own results are shown next to them to compare.
import { el } from '../ui/dom.js';
import { shortNumber } from '../ui/short-number.js';
import { pyRepr } from '../ui/py-number.js';
import { formatProb } from '../ui/prob-bars.js';

const num = (x, cls = 'at-num') => el('span', { className: cls, title: pyRepr(x), dataset: { value: String(x) } }, shortNumber(x));

// The display arithmetic, exported for tests and for the numbers shown.
export function breakdown(rec, key, headDim) {
  const q = rec.q_h;
  const k = rec.k_h[key];
  const products = q.map((qd, d) => qd * k[d]);
  const sum = products.reduce((a, b) => a + b, 0);
  const score = sum / Math.sqrt(headDim);
  const logits = rec.attn_logits;
  const top = Math.max(...logits);
  const exps = logits.map((s) => Math.exp(s - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return { q, k, products, sum, score, exps, total, weight: exps[key] / total };
}

export function renderBreakdown(container, { rec, query, key, headDim, labels, head, layer, nLayer }) {
  const b = breakdown(rec, key, headDim);
  const where = `${nLayer > 1 ? `layer ${layer}, ` : ''}head ${head}`;
  const intro = el('p', 'live-card-note', `${where}: query ${query} (reading "${labels[query]}") scores key ${key} ("${labels[key]}"). Vectors and script results come from gpt()'s frame; the products, sums and exponentials in between are worked out here on those numbers, only to show the steps.`);

  const rows = b.q.map((qd, d) => el('tr', null, [
    el('th', { scope: 'row' }, String(d)), el('td', null, num(qd, 'at-num is-q')), el('td', null, num(b.k[d], 'at-num is-k')), el('td', null, num(b.products[d], 'at-num is-prod')),
  ]));
  const table = el('table', 'at-dot', [
    el('thead', null, el('tr', null, [el('th', null, 'j'), el('th', null, 'q_h[j]'), el('th', null, `k_h[${key}][j]`), el('th', null, 'product')])),
    el('tbody', null, rows),
  ]);

  const step = (label, value, note) => el('div', 'at-step', [el('span', 'at-step-label', label), value, note ? el('span', 'at-step-note', note) : null]);
  const steps = el('div', 'at-steps', [
    step('sum of products', num(b.sum, 'at-num at-sum'), 'worked out here'),
    step(`÷ √head_dim = ÷ √${headDim}`, num(b.score, 'at-num at-score'), 'worked out here'),
    step(`attn_logits[${key}]`, num(rec.attn_logits[key], 'at-num at-logit'), 'from the script'),
  ]);

  const softRows = rec.attn_logits.map((s, t) => el('tr', { className: t === key ? 'is-key' : '', dataset: { key: String(t) } }, [
    el('th', { scope: 'row' }, `${t} ${labels[t]}`),
    el('td', null, num(s)),
    el('td', null, num(b.exps[t])),
    el('td', null, el('span', 'at-num at-calc-weight', formatProb(b.exps[t] / b.total))),
    el('td', null, el('span', { className: 'at-num at-weight', dataset: { value: String(rec.attn_weights[t]) }, title: pyRepr(rec.attn_weights[t]) }, formatProb(rec.attn_weights[t]))),
  ]));
  const soft = el('table', 'at-softmax', [
    el('thead', null, el('tr', null, [el('th', null, 'key'), el('th', null, 'score'), el('th', null, 'exp(score − max)'), el('th', null, '÷ total'), el('th', null, 'attn_weights')])),
    el('tbody', null, softRows),
  ]);
  const softNote = el('p', 'at-step-note', `Softmax over the row: exp of each score minus the largest, divided by their total (${shortNumber(b.total)}). The last column is the script's own attn_weights.`);

  container.replaceChildren(intro, el('div', 'at-breakdown', [
    el('div', 'at-breakdown-dot', [table, steps]),
    el('div', 'at-breakdown-soft', [soft, softNote]),
  ]));
  container.dataset.query = String(query);
  container.dataset.key = String(key);
  container.dataset.head = String(head);
}
