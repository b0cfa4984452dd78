// Chapter 4: the block diagram of the model, drawn from the bridge's outline (the layout is
// architecture/layout.js): one box per statement, coloured by its data flow (blue embedding,
// green attention, orange MLP, red output), the layer loop's statements in one "× n" box, a
// head's in one "× heads" box, a called function's statements in a box of its name. The box of
// the statement the step-through is on lights up, and the boxes around it say which layer and
// head the step is in.
//
//   const diagram = new ArchDiagram(container);
//   diagram.draw(outline, { seen, layers, tail });   // data changed: a new outline or trace
//   diagram.setActive(key, { layer, head });         // view changed: the step shown
import { el } from '../../ui/dom.js';
import { svg } from '../../ui/svg.js';
import { scrollCue } from '../../ui/scroll-cue.js';
import { CHAR_W, TITLE_H, layOut } from './layout.js';

// The drawing is laid out for its box's width, its text at 12 px, and never scaled: a box
// narrower than MIN_WIDTH scrolls sideways instead (a 320 px phone), and a wide column (a
// tablet's, where the diagram sits over the step panel) gets a diagram no wider than MAX_WIDTH.
const MIN_WIDTH = 300;
const MAX_WIDTH = 460;
const PAD = 4; // around the drawing
const NOW_W = 13 * CHAR_W; // room for "now layer 12" at a loop frame's right

export class ArchDiagram {
  constructor(container) {
    // The box scrolls, so it is a tab stop (said explicitly: not every browser makes a scroller
    // focusable on its own) and needs a name.
    this.scroller = scrollCue(
      el('div', { className: 'arch-diagram', role: 'region', 'aria-label': 'block diagram of the model (scrolls)', tabindex: '0' }),
    );
    container.append(this.scroller);
    this.blocks = new Map(); // key -> svg groups (a box, or a loop's frame)
    this.spans = new Map(); // key -> {top, bottom}: where it is, in the diagram's pixels
    this.frames = []; // {node, counter, kind, top, bottom, left, right}
    this.order = []; // box keys top to bottom, for tests
    this.width = 320; // until the box is laid out and its width is known
    this.args = null; // the last draw's, to draw again at a new width
    // The box's width, read when the browser lays it out (never asked for, which would lay out a
    // chapter the browser skips); a new width draws the diagram again, a frame later (drawing
    // inside the observer's callback would change the box it watches in the same frame).
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(([entry]) => {
        const width = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, entry.contentRect.width)));
        if (!entry.contentRect.width || width === this.width) return;
        requestAnimationFrame(() => {
          this.width = width;
          if (this.args) this.draw(...this.args);
        });
      }).observe(this.scroller);
    }
    // Whether the diagram is on screen (or near): only then is the lit box scrolled to. Off
    // screen, asking where a box is would make the browser lay out a chapter it skips.
    this.onScreen = true;
    if (typeof IntersectionObserver === 'function') {
      this.onScreen = false; // until the observer's first report, right after observe()
      new IntersectionObserver(
        (entries) => {
          this.onScreen = entries.at(-1).isIntersecting;
          if (this.onScreen) this.keepActiveInView();
        },
        { rootMargin: '200px 0px' },
      ).observe(this.scroller);
    }
  }

  draw(outline, options = {}) {
    this.args = [outline, options];
    const width = this.width;
    const layout = layOut(outline, { width: width - 2 * PAD, ...options });
    this.blocks.clear();
    this.spans.clear();
    this.frames = [];
    this.order = [];
    const height = layout.height + 2 * PAD;
    const root = svg('svg', {
      class: 'arch-svg',
      role: 'img',
      viewBox: `${-PAD} ${-PAD} ${width} ${height}`,
      width,
      height,
      'aria-label':
        `Block diagram of ${outline?.model ?? 'the model'}: ${layout.boxes.length} statements` +
        (options.layers?.count ? `, in ${options.layers.count} layer(s) of ${options.layers.heads} head(s)` : ''),
    });
    const frameLayer = svg('g');
    const boxLayer = svg('g');
    root.append(frameLayer, boxLayer);
    for (const frame of layout.frames) frameLayer.append(this.frame(frame));
    for (const box of layout.boxes) boxLayer.append(this.box(box));
    this.scroller.replaceChildren(root);
    this.scroller.dataset.layers = String(options.layers?.count ?? 0);
    this.scroller.dataset.heads = String(options.layers?.heads ?? 0);
    this.setActive(this.active, this.where);
  }

  frame(f) {
    const g = svg('g', { class: `arch-frame ${f.kind} ${f.flow ?? ''}`, 'data-kind': f.kind });
    g.append(svg('rect', { x: f.x, y: f.y, width: f.w, height: f.h, rx: f.kind === 'layer' ? 8 : 5 }));
    let counter = null;
    if (f.count != null || f.title) {
      const title = svg('text', { x: f.x + 6, y: f.y + 12.5, class: 'arch-frame-title' });
      const count = f.count != null ? `× ${f.count} ${{ heads: 'head', layer: 'layer' }[f.kind] ?? ''}${f.count === 1 ? '' : 's'}` : '';
      if (count) title.append(svg('tspan', { class: 'arch-count' }, count));
      if (f.title) {
        // The loop's own header, cut to leave room for the count and for "now layer 1" at the right.
        const room = Math.floor((f.w - 12 - (count.length + 1) * CHAR_W - (f.count != null ? NOW_W : 0)) / CHAR_W);
        const code = f.title.length <= room ? f.title : `${f.title.slice(0, Math.max(1, room - 1))}…`;
        title.append(svg('tspan', { class: 'arch-frame-code', dx: count ? 6 : 0 }, code));
      }
      g.append(svg('title', {}, f.title ?? count), title);
      if (f.count != null) {
        counter = svg('text', { x: f.x + f.w - 6, y: f.y + 12.5, class: 'arch-now' });
        g.append(counter);
      }
    }
    if (f.key) {
      g.dataset.block = f.key;
      this.register(f.key, g, f.y, f.y + TITLE_H);
    }
    this.frames.push({ node: g, counter, kind: f.kind, left: f.x, right: f.x + f.w, top: f.y, bottom: f.y + f.h });
    return g;
  }

  box(b) {
    const g = svg('g', { class: `arch-block ${b.flow}${b.minor ? ' minor' : ''}`, 'data-block': b.key });
    g.append(svg('title', {}, b.full || b.label));
    g.append(svg('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: b.minor ? 3 : 4 }));
    const mid = b.y + b.h / 2 + 4; // the baseline that centres 12 px text
    g.append(svg('text', { x: b.x + 5, y: mid, class: 'arch-label' }, b.label));
    if (b.size) g.append(svg('text', { x: b.x + b.w - 4, y: mid, class: 'arch-size' }, b.size));
    this.register(b.key, g, b.y, b.y + b.h);
    this.order.push(b.key);
    return g;
  }

  register(key, node, top, bottom) {
    if (!this.blocks.has(key)) this.blocks.set(key, []);
    this.blocks.get(key).push(node);
    this.spans.set(key, { top, bottom });
  }

  // `where`: the step's layer and head; the layer and heads boxes around the lit box say them.
  setActive(key, where = {}) {
    this.active = key;
    this.where = where;
    for (const [k, nodes] of this.blocks) for (const g of nodes) g.classList.toggle('active', k === key);
    const span = key ? this.spans.get(key) : null;
    for (const f of this.frames) {
      const around = Boolean(span) && span.top >= f.top && span.bottom <= f.bottom && f.kind !== 'stage';
      f.node.classList.toggle('within', around);
      if (!f.counter) continue;
      const index = f.kind === 'layer' ? where.layer : f.kind === 'heads' ? where.head : null;
      f.counter.textContent = around && index != null ? `now ${f.kind === 'heads' ? 'head' : 'layer'} ${index}` : '';
    }
    this.scroller.dataset.active = key ?? '';
    if (this.onScreen) this.keepActiveInView();
  }

  // Keeps the lit box in the diagram's own scroll box (never scrolls the page).
  keepActiveInView() {
    const span = this.active && this.spans.get(this.active);
    if (!span) return;
    const view = this.scroller;
    const top = span.top + PAD;
    const bottom = span.bottom + PAD;
    if (top < view.scrollTop + 10 || bottom > view.scrollTop + view.clientHeight - 10) {
      view.scrollTop = Math.max(0, top - view.clientHeight / 3);
    }
  }
}
