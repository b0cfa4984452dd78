// Chapter 5, where each query looks: the tokens twice, keys on top and queries below, with
// an arrow from every query up to every key it can see, as thick as the attention weight. The
// picked query's arrows are drawn bright, the others faint, so one row of the heatmap reads as
// a fan of arrows.
//
// The drawing is never scaled (its labels stay at their CSS sizes, 12 px and up): the tokens'
// spacing is chosen for the box's width, and where even the narrowest spacing does not fit (a
// long word on a phone) the box scrolls sideways and becomes a tab stop.
import { el } from '../../ui/dom.js';
import { formatProb } from '../../ui/prob-bars.js';
import { scrollCue } from '../../ui/scroll-cue.js';
import { svg } from '../../ui/svg.js';

const MAX_STROKE = 12; // px for a weight of 1
const ROW_GAP = 110;
const LEFT = 70; // room for the row names
const MAX_STEP = 90; // px between tokens, at most
const MIN_STEP = 28; // and at least: a 15 px character and room between the arrows' ends

export class ArrowView {
  constructor(container) {
    this.svg = svg('svg', { class: 'at-arrows', role: 'img' });
    this.scroller = scrollCue(el('div', { className: 'at-arrows-scroll' }, [this.svg]));
    this.caption = el('p', 'at-arrows-caption', '');
    container.append(this.scroller, this.caption);
    this.boxWidth = 0; // until the box is laid out (then the observer says)
    this.args = null;
    this.scrolledTo = 0; // the box's scrollLeft, kept as it scrolls (not read back: no layout)
    this.scroller.addEventListener(
      'scroll',
      () => {
        this.scrolledTo = this.scroller.scrollLeft;
      },
      { passive: true },
    );
    // A new width draws again, a frame later (not inside the observer's callback).
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(([entry]) => {
        const width = Math.floor(entry.contentRect.width);
        if (!width || width === this.boxWidth) return;
        requestAnimationFrame(() => {
          this.boxWidth = width;
          if (this.args) this.show(...this.args);
        });
      }).observe(this.scroller);
    }
  }

  // queries: the head's records (weights per query); labels per position; picked query.
  show(queries, labels, pickedQuery, headName) {
    this.args = [queries, labels, pickedQuery, headName];
    const n = queries.length;
    const room = (this.boxWidth || 720) - LEFT - 10;
    const step = Math.max(MIN_STEP, Math.min(MAX_STEP, room / Math.max(1, n)));
    const width = step * n + LEFT + 10;
    // Wider than its box: the box scrolls, so it takes keyboard focus and says what it holds.
    const scrolls = this.boxWidth > 0 && width > this.boxWidth + 1;
    if (scrolls) {
      this.scroller.setAttribute('tabindex', '0');
      this.scroller.setAttribute('role', 'region');
      this.scroller.setAttribute('aria-label', 'arrows from each query to its keys (scrolls sideways)');
    } else {
      for (const name of ['tabindex', 'role', 'aria-label']) this.scroller.removeAttribute(name);
    }
    const top = 26;
    const bottom = top + ROW_GAP;
    const x = (i) => LEFT + step * (i + 0.5);
    const spread = Math.min(5, step / (2 * n));
    this.svg.setAttribute('viewBox', `0 0 ${width} ${bottom + 28}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(bottom + 28));
    this.svg.setAttribute(
      'aria-label',
      `arrows from each query to the keys of ${headName}, thickness in proportion to the attention weight`,
    );
    const defs = svg('defs', {});
    defs.append(arrowHead('at-head-on', 'at-arrowhead'), arrowHead('at-head-off', 'at-arrowhead is-faint'));
    const lines = [];
    queries.forEach((rec, i) => {
      rec.weights.forEach((w, j) => {
        const on = i === pickedQuery;
        const line = svg('line', {
          // Each query's arrows end a little apart on the key, so their heads do not stack.
          x1: x(i),
          y1: bottom - 14,
          x2: x(j) + spread * (i - (n - 1) / 2),
          y2: top + 12,
          'stroke-width': Math.max(0.6, MAX_STROKE * w).toFixed(2),
          class: `at-arrow${on ? ' is-on' : ''}`,
          'marker-end': `url(#${on ? 'at-head-on' : 'at-head-off'})`,
          'data-query': i,
          'data-key': j,
          'data-weight': w,
        });
        line.append(svg('title', {}, `query ${i} (${labels[i]}) → key ${j} (${labels[j]}): ${formatProb(w)}`));
        lines.push([on, line]);
      });
    });
    // The picked query's arrows last, so they are drawn over the faint ones.
    lines.sort((a, b) => Number(a[0]) - Number(b[0]));
    const text = (i, y, role) =>
      svg('text', { x: x(i), y, class: `at-arrow-label${i === pickedQuery && role === 'q' ? ' is-on' : ''}` }, labels[i]);
    const rowName = (y, name) => svg('text', { x: 4, y, class: 'at-arrow-row' }, name);
    this.svg.replaceChildren(
      defs,
      ...lines.map(([, l]) => l),
      rowName(top + 4, 'keys'),
      rowName(bottom + 4, 'queries'),
      ...queries.map((_, i) => text(i, top + 4, 'k')),
      ...queries.map((_, i) => text(i, bottom + 4, 'q')),
    );
    // The picked query in view: the box scrolls to it when it is off the box's visible part.
    if (scrolls && (x(pickedQuery) < this.scrolledTo + 20 || x(pickedQuery) > this.scrolledTo + this.boxWidth - 20)) {
      this.scroller.scrollLeft = Math.max(0, x(pickedQuery) - this.boxWidth / 2);
    }
    this.caption.textContent = `${headName}: arrows from every query (below) to the keys it can see (above); thicker = more weight. Query ${pickedQuery} (${labels[pickedQuery]}) is highlighted.`;
  }
}

function arrowHead(id, className) {
  const marker = svg('marker', {
    id,
    viewBox: '0 0 6 6',
    refX: 5,
    refY: 3,
    markerUnits: 'userSpaceOnUse',
    markerWidth: 9,
    markerHeight: 9,
    orient: 'auto',
    class: className,
  });
  marker.append(svg('path', { d: 'M0,0 L6,3 L0,6 z' }));
  return marker;
}
