// Chapter 5, one score taken apart: for the picked head, query and key, the script's query and
// key vectors (by its own names, the answer's `names`), their element products and the sum,
// next to the score and the weights the script computed. The vectors, the scores and the
// weights are the bridge's numbers from the model's frame. The products and their sum are the
// only arithmetic done here, labelled so, to show what a score is made of; how the script turns
// that sum into its score (its scaling) is read off its own numbers, not assumed, and the
// weights are the script's own softmax, not recomputed.
import { el } from '../../ui/dom.js';
import { shortNumber } from '../../ui/short-number.js';
import { pyRepr } from '../../ui/py-number.js';
import { formatProb } from '../../ui/prob-bars.js';

const num = (x, cls = 'at-num') => el('span', { className: cls, title: pyRepr(x), dataset: { value: String(x) } }, shortNumber(x));

// The display arithmetic, exported for tests: the products, their sum, and the script's score
// divided by that sum (what the script multiplied it by, when the sum is not 0).
export function breakdown(rec, key) {
  const q = rec.query;
  const k = rec.keys[key];
  const products = q.map((qd, d) => qd * k[d]);
  const sum = products.reduce((a, b) => a + b, 0);
  const score = rec.scores[key];
  const factor = sum !== 0 ? score / sum : null;
  return { q, k, products, sum, score, factor };
}

/**
 * @param {HTMLElement} container
 * @param {{ rec: any, query: any, key: any, labels: any, head: any, layer: any, nLayer: any, names?: Record<string, string>, func?: string }} options
 */
export function renderBreakdown(container, { rec, query, key, labels, head, layer, nLayer, names = {}, func }) {
  const b = breakdown(rec, key);
  const n = {
    query: names.query ?? 'query',
    keys: names.keys ?? 'keys',
    scores: names.scores ?? 'scores',
    weights: names.weights ?? 'weights',
  };
  const where = `${nLayer > 1 ? `layer ${layer}, ` : ''}head ${head}`;
  const intro = el(
    'p',
    'live-card-note',
    `${where}: query ${query} (reading "${labels[query]}") scores key ${key} ("${labels[key]}"). ` +
      `The vectors, ${n.scores} and ${n.weights} come from ${func ?? 'the model'}()'s frame; the products and their sum are worked out here on those numbers, only to show what a score is made of.`,
  );

  const rows = b.q.map((qd, d) =>
    el('tr', null, [
      el('th', { scope: 'row' }, String(d)),
      el('td', null, num(qd, 'at-num is-q')),
      el('td', null, num(b.k[d], 'at-num is-k')),
      el('td', null, num(b.products[d], 'at-num is-prod')),
    ]),
  );
  const table = el('table', 'at-dot', [
    el(
      'thead',
      null,
      el('tr', null, [
        el('th', null, 'j'),
        el('th', null, `${n.query}[j]`),
        el('th', null, `${n.keys}[${key}][j]`),
        el('th', null, 'product'),
      ]),
    ),
    el('tbody', null, rows),
  ]);

  const step = (label, value, note) =>
    el('div', 'at-step', [el('span', 'at-step-label', label), value, note ? el('span', 'at-step-note', note) : null]);
  const steps = el('div', 'at-steps', [
    step('sum of products', num(b.sum, 'at-num at-sum'), 'worked out here'),
    step(`${n.scores}[${key}]`, num(b.score, 'at-num at-logit'), 'from the script'),
    b.factor == null ? null : step('score ÷ sum', num(b.factor, 'at-num at-factor'), "the script's scale"),
  ]);

  const softRows = rec.scores.map((s, t) =>
    el('tr', { className: t === key ? 'is-key' : '', dataset: { key: String(t) } }, [
      el('th', { scope: 'row' }, `${t} ${labels[t]}`),
      el('td', null, num(s)),
      el(
        'td',
        null,
        el(
          'span',
          { className: 'at-num at-weight', dataset: { value: String(rec.weights[t]) }, title: pyRepr(rec.weights[t]) },
          formatProb(rec.weights[t]),
        ),
      ),
    ]),
  );
  const soft = el('table', 'at-softmax', [
    el('thead', null, el('tr', null, [el('th', null, 'key'), el('th', null, n.scores), el('th', null, n.weights)])),
    el('tbody', null, softRows),
  ]);
  const softNote = el(
    'p',
    'at-step-note',
    `The script turns the whole row of ${n.scores} into ${n.weights} (its own lines, in the code panel): both columns are its numbers, none is recomputed here.`,
  );

  container.replaceChildren(
    intro,
    el('div', 'at-breakdown', [el('div', 'at-breakdown-dot', [table, steps]), el('div', 'at-breakdown-soft', [soft, softNote])]),
  );
  container.dataset.query = String(query);
  container.dataset.key = String(key);
  container.dataset.head = String(head);
}
