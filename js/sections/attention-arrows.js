// Chapter 5, where each query looks: the tokens twice, keys on top and queries below, with
// an arrow from every query up to every key it can see, as thick as the attention weight. The
// picked query's arrows are drawn bright, the others faint, so one row of the heatmap reads as
// a fan of arrows.
import { el } from '../ui/dom.js';
import { formatProb } from '../ui/prob-bars.js';
import { svg } from '../ui/svg.js';

const MAX_STROKE = 12; // px for a weight of 1
const ROW_GAP = 110;


export class ArrowView {
  constructor(container) {
    this.svg = svg('svg', { class: 'at-arrows', role: 'img' });
    this.caption = el('p', 'at-arrows-caption', '');
    container.append(this.svg, this.caption);
  }

  // queries: the head's records (weights per query); labels per position; picked query.
  show(queries, labels, pickedQuery, headName) {
    const n = queries.length;
    const step = Math.min(90, 640 / Math.max(1, n));
    const width = step * n + 80;
    const top = 26;
    const bottom = top + ROW_GAP;
    const x = (i) => 70 + step * (i + 0.5); // room on the left for the row names
    const spread = Math.min(5, step / (2 * n));
    this.svg.setAttribute('viewBox', `0 0 ${width} ${bottom + 28}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(bottom + 28));
    this.svg.setAttribute('aria-label', `arrows from each query to the keys of ${headName}, thickness in proportion to the attention weight`);
    const defs = svg('defs', {});
    defs.append(arrowHead('at-head-on', 'at-arrowhead'), arrowHead('at-head-off', 'at-arrowhead is-faint'));
    const lines = [];
    queries.forEach((rec, i) => {
      rec.weights.forEach((w, j) => {
        const on = i === pickedQuery;
        const line = svg('line', {
          // Each query's arrows end a little apart on the key, so their heads do not stack.
          x1: x(i), y1: bottom - 14, x2: x(j) + spread * (i - (n - 1) / 2), y2: top + 12,
          'stroke-width': Math.max(0.6, MAX_STROKE * w).toFixed(2),
          class: `at-arrow${on ? ' is-on' : ''}`,
          'marker-end': `url(#${on ? 'at-head-on' : 'at-head-off'})`,
          'data-query': i, 'data-key': j, 'data-weight': w,
        });
        line.append(svg('title', {}, `query ${i} (${labels[i]}) → key ${j} (${labels[j]}): ${formatProb(w)}`));
        lines.push([on, line]);
      });
    });
    // The picked query's arrows last, so they are drawn over the faint ones.
    lines.sort((a, b) => Number(a[0]) - Number(b[0]));
    const text = (i, y, role) => svg('text', { x: x(i), y, class: `at-arrow-label${i === pickedQuery && role === 'q' ? ' is-on' : ''}` }, labels[i]);
    const rowName = (y, name) => svg('text', { x: 4, y, class: 'at-arrow-row' }, name);
    this.svg.replaceChildren(
      defs,
      ...lines.map(([, l]) => l),
      rowName(top + 4, 'keys'), rowName(bottom + 4, 'queries'),
      ...queries.map((_, i) => text(i, top + 4, 'k')),
      ...queries.map((_, i) => text(i, bottom + 4, 'q')),
    );
    this.caption.textContent = `${headName}: arrows from every query (below) to the keys it can see (above); thicker = more weight. Query ${pickedQuery} (${labels[pickedQuery]}) is highlighted.`;
  }
}

function arrowHead(id, className) {
  const marker = svg('marker', { id, viewBox: '0 0 6 6', refX: 5, refY: 3, markerUnits: 'userSpaceOnUse', markerWidth: 9, markerHeight: 9, orient: 'auto', class: className });
  marker.append(svg('path', { d: 'M0,0 L6,3 L0,6 z' }));
  return marker;
}
