// Chapter 5, the heads side by side: one small attention-weight heatmap per head of one layer
// (query rows, key columns, the keys a query cannot see yet hatched), each with a one-line
// description of its pattern. Clicking a cell (or Enter on a focused map) picks that head,
// query and key for the breakdown; clicking a head's title picks the head.
import { el } from '../../ui/dom.js';
import { Heatmap } from '../../ui/heatmap.js';
import { helpMarker, hideTooltip, showTooltip } from '../../ui/tooltip.js';
import { formatProb } from '../../ui/prob-bars.js';

// The weights of one head as a square matrix: row = query position, column = key position.
// A query at position i has keys 0..i only (the cache holds nothing later): the rest is NaN,
// which the heatmap draws as masked, not as a weight of 0.
export function weightMatrix(queries) {
  const n = queries.length;
  const values = new Float64Array(n * n).fill(NaN);
  queries.forEach((rec, i) =>
    rec.weights.forEach((w, j) => {
      values[i * n + j] = w;
    }),
  );
  return values;
}

const PATTERN_THRESHOLD = 0.5;

// The rule, kept simple on purpose: skip query 0 (it can only see the first token, the one the
// document starts with), then average over the other queries the weight each one puts on that
// first token (key 0), on itself (key i) and on the token just before it (key i - 1, for queries
// from 2 on, where that is not the first). The largest of the three averages names the pattern
// if it is at least one half; otherwise the head is "spread out". `first`: the first token's label.
export function describeHead(queries, first = 'the first token') {
  const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const rows = queries.slice(1).map((rec) => ({ i: rec.weights.length - 1, w: rec.weights }));
  if (!rows.length) return { kind: 'bos', text: `only ${first} to look at`, share: 1 };
  const scores = [
    { kind: 'bos', text: `mostly attends to ${first}`, share: mean(rows.map((r) => r.w[0])) },
    { kind: 'self', text: 'mostly attends to itself', share: mean(rows.map((r) => r.w[r.i])) },
    { kind: 'previous', text: 'mostly the previous token', share: mean(rows.filter((r) => r.i >= 2).map((r) => r.w[r.i - 1])) },
  ];
  const best = scores.reduce((a, b) => (b.share > a.share ? b : a));
  if (best.share >= PATTERN_THRESHOLD) return best;
  return { kind: 'spread', text: 'spread out', share: best.share };
}

const HELP_PATTERN = [
  'pattern',
  `averaged over every query but the first: the weight on the first token (the one every document starts with), on the query itself and on the token just before it. The largest names the head if it is at least ${PATTERN_THRESHOLD * 100}%; otherwise the head is "spread out".`,
];

export class HeadGrid {
  constructor(container, { onPick }) {
    this.onPick = onPick;
    this.grid = el('div', 'at-grid');
    this.note = el('p', 'live-card-note', null);
    this.note.append(
      'Each small matrix is one head: a row is a query (the token being read), a column a key it can look at; brighter green = more weight (0 to 100%). Hatched cells are keys the query cannot see yet. Click a cell to take its score apart.',
    );
    this.note.append(helpMarker(...HELP_PATTERN));
    container.append(this.note, this.grid);
    this.maps = [];
  }

  // Data changed: every head of `layer` (heads[h] = list of query records), labels per position.
  show(heads, labels, picked) {
    this.labels = labels;
    if (this.maps.length !== heads.length) this.build(heads.length);
    heads.forEach((queries, h) => {
      const view = this.maps[h];
      view.map.setData(weightMatrix(queries), queries.length, queries.length, { rowLabels: labels, colLabels: labels });
      const pattern = describeHead(queries, labels[0]);
      view.pattern.textContent = pattern.text;
      view.root.dataset.pattern = pattern.kind;
    });
    this.select(picked);
  }

  build(n) {
    this.maps = Array.from({ length: n }, (_, h) => {
      const canvas = el('canvas', { 'aria-label': `attention weights of head ${h}` });
      const title = el('button', { type: 'button', className: 'at-head-title' }, `head ${h}`);
      const pattern = el('span', 'at-pattern', '');
      const root = el('figure', { className: 'at-head', dataset: { head: String(h) } }, [title, canvas, pattern]);
      // Hovering moves the outline and names the cell; leaving puts the outline back on the pick.
      const onHover = (cell) => {
        if (!cell) {
          hideTooltip();
          this.select(this.picked);
          return;
        }
        if (cell.source !== 'pointer') return;
        const names = `query ${cell.row} (${this.labels[cell.row]}) → key ${cell.col} (${this.labels[cell.col]})`;
        showTooltip(
          [`head ${h}: ${names}`, Number.isNaN(cell.value) ? 'not visible yet: this key comes later' : `weight ${formatProb(cell.value)}`],
          cell.clientX,
          cell.clientY,
        );
      };
      const map = new Heatmap(canvas, { maxWidth: 190, maxHeight: 170, maxCell: 34, labels: true, keyboard: true, range: 1, onHover });
      const pick = (cell) => cell && cell.col <= cell.row && this.onPick({ head: h, query: cell.row, key: cell.col });
      canvas.addEventListener('click', (e) => pick(map.cellAt(e.clientX, e.clientY)));
      canvas.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick(map.cursor);
        }
      });
      title.addEventListener('click', () => this.onPick({ head: h }));
      return { root, map, pattern, title };
    });
    this.grid.replaceChildren(...this.maps.map((v) => v.root));
  }

  // View changed: mark the picked head and cell.
  select(picked) {
    this.picked = picked;
    const { head, query, key } = picked;
    this.maps.forEach((v, h) => {
      const on = h === head;
      v.root.classList.toggle('is-picked', on);
      v.title.setAttribute('aria-pressed', String(on));
      v.map.setCursor(on && query != null ? { row: query, col: key } : null);
    });
  }
}
