// An SVG drawing of a small directed acyclic graph: boxes with a few lines of text, an
// operation badge on the side where the inputs arrive, and a label on every edge.
//
//   const dag = new DagView(container, { label: 'The graph of a*b + c', onHover, onSelect });
//   dag.setGraph(nodes, edges);          // data changed: lays out again only if the shape changed
//   dag.setNodeLines(id, lines);         // view changed: new text in one box
//   dag.mark('node', id, 'visiting', true); dag.clearMark('visiting');
//   dag.pulse(edgeIndex, 0.4);           // a dot 40% of the way back along an edge (null hides)
//
// The drawing is scaled to its container's width, between `minScale` and `maxScale`; a graph
// too wide even at minScale scrolls.
// nodes: [{ id, role, op, pin, lines: [{ text, cls }] }] — `role` becomes a class (colours live
// in CSS), `op` is the badge text (none for a leaf), `pin: 'start'` keeps a source on the left.
// edges: [{ from, to, label }] — `from` feeds into `to`. All text is set as text.
import { layoutDag } from './dag-layout.js';
import { svg } from './svg.js';

const CHAR_WIDTH = 7.25; // 12px monospace (every text of the drawing): where to cut a long line, how wide a pill
const LINE_HEIGHT = 17;
const BADGE_R = 13;
const PAD = 12;

export class DagView {
  /**
   * @param {HTMLElement} container
   * @param {{nodeWidth?: number, nodeHeight?: number, layerGap?: number, rowGap?: number, minScale?: number, maxScale?: number,
   *   label?: string, onHover?: (id: any) => void, onSelect?: (id: any) => void}} [options]
   */
  constructor(
    container,
    { nodeWidth = 120, nodeHeight = 62, layerGap = 70, rowGap = 20, minScale = 1, maxScale = 1, label = 'Graph', onHover, onSelect } = {},
  ) {
    this.opts = { nodeWidth, nodeHeight, layerGap, rowGap, pad: PAD };
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.container = container;
    this.onHover = onHover;
    this.onSelect = onSelect;
    this.root = svg('svg', { class: 'dag', role: 'group', 'aria-label': label });
    this.edgeLayer = svg('g', { class: 'dag-edges' });
    this.labelLayer = svg('g', { class: 'dag-edge-labels' });
    this.nodeLayer = svg('g', { class: 'dag-nodes' });
    this.dot = svg('circle', { class: 'dag-pulse', r: 5, visibility: 'hidden' });
    this.root.append(this.edgeLayer, this.nodeLayer, this.labelLayer, this.dot);
    container.append(this.root);
    this.size = null;
    // Refit a frame later, not inside the observer's callback: fitting changes the box's height,
    // which the observer would see again in the same frame (Firefox reports that as an error).
    new ResizeObserver(() => requestAnimationFrame(() => this.fit())).observe(container);
    this.shape = '';
    this.nodeEls = new Map(); // id -> { g, box, texts, lines }
    this.edgeEls = []; // index -> { path, label, text, pill }
  }

  setGraph(nodes, edges) {
    const shape = JSON.stringify([nodes.map((n) => [n.id, n.role, n.op]), edges.map((e) => [e.from, e.to])]);
    if (shape !== this.shape) {
      this.shape = shape;
      this.draw(nodes, edges);
    }
    for (const n of nodes) this.setNodeLines(n.id, n.lines);
    edges.forEach((e, i) => this.setEdgeLabel(i, e.label));
  }

  draw(nodes, edges) {
    const { nodeWidth: w, nodeHeight: h } = this.opts;
    const layout = layoutDag(nodes, edges, this.opts);
    this.pos = layout.pos;
    this.root.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    this.size = [layout.width, layout.height];
    this.fit();
    this.nodeLayer.replaceChildren();
    this.edgeLayer.replaceChildren();
    this.labelLayer.replaceChildren();
    this.nodeEls.clear();
    for (const n of nodes) {
      const { x, y } = layout.pos.get(n.id);
      const g = svg('g', { class: `dag-node role-${n.role}`, transform: `translate(${x},${y})`, tabindex: 0, 'data-id': n.id });
      const box = svg('rect', { class: 'dag-box', width: w, height: h, rx: 8 });
      const tip = svg('title');
      g.append(tip, box);
      // The badge is a circle, stretched into a pill for longer names ("**-1", "relu").
      const half = n.op ? Math.max(BADGE_R, (n.op.length * CHAR_WIDTH + 10) / 2) : 0;
      if (n.op) {
        const badge = svg('g', { class: 'dag-op', transform: `translate(0,${h / 2})` });
        badge.append(
          svg('rect', { x: -half, y: -BADGE_R, width: 2 * half, height: 2 * BADGE_R, rx: BADGE_R }),
          svg('text', { 'text-anchor': 'middle', dy: '0.35em' }, n.op),
        );
        g.append(badge);
      }
      g.addEventListener('mouseenter', () => this.onHover?.(n.id));
      g.addEventListener('mouseleave', () => this.onHover?.(null));
      g.addEventListener('focus', () => this.onHover?.(n.id));
      g.addEventListener('blur', () => this.onHover?.(null));
      g.addEventListener('click', () => this.onSelect?.(n.id));
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.onSelect?.(n.id);
        }
      });
      this.nodeLayer.append(g);
      this.nodeEls.set(n.id, { g, tip, texts: [], badge: half });
    }
    const twins = new Map(); // "from>to" -> how many edges so far (a*a has two)
    const total = new Map();
    for (const e of edges) total.set(`${e.from}>${e.to}`, (total.get(`${e.from}>${e.to}`) ?? 0) + 1);
    this.edgeEls = edges.map((e, i) => {
      const key = `${e.from}>${e.to}`;
      const k = twins.get(key) ?? 0;
      twins.set(key, k + 1);
      const bend = (k - (total.get(key) - 1) / 2) * 26;
      return this.drawEdge(e, bend, layout.routes[i]);
    });
  }

  drawEdge(e, bend, route) {
    const { nodeWidth: w, nodeHeight: h } = this.opts;
    const a = this.pos.get(e.from);
    const b = this.pos.get(e.to);
    const x1 = b.x - (this.nodeEls.get(e.to)?.badge ?? 0);
    const y1 = b.y + h / 2;
    // Through the slots it was given in the layers it crosses, then into the node it feeds.
    let x = a.x + w;
    let y = a.y + h / 2;
    let d = `M${x},${y}`;
    const curve = (tx, ty, off) => {
      const dx = Math.max(20, (tx - x) * 0.5);
      const c = [x, y, x + dx, y + off, tx - dx, ty + off, tx, ty];
      d += ` C${c[2]},${c[3]} ${c[4]},${c[5]} ${c[6]},${c[7]}`;
      [x, y] = [tx, ty];
      return c;
    };
    for (const p of route) {
      curve(p.x, p.y, 0);
      d += ` L${p.x + w},${p.y}`;
      x = p.x + w;
    }
    const last = curve(x1, y1, bend);
    const path = svg('path', { class: 'dag-edge', d });
    this.edgeLayer.append(path);
    // The label sits halfway along the last stretch, between the boxes, where no box can be.
    const [lx, ly] = pointAtX(last, (last[0] + x1) / 2);
    const label = svg('g', { class: 'dag-edge-label', transform: `translate(${lx},${ly})` });
    const pill = svg('rect', { y: -9, height: 18, rx: 9 });
    const text = svg('text', { 'text-anchor': 'middle', dy: '0.35em' });
    label.append(pill, text);
    this.labelLayer.append(label);
    return { path, label, pill, text };
  }

  setNodeLines(id, lines = []) {
    const entry = this.nodeEls.get(id);
    if (!entry) return;
    const { nodeWidth: w, nodeHeight: h } = this.opts;
    const left = entry.badge ? entry.badge + 4 : 8;
    const maxChars = Math.floor((w - left - 6) / CHAR_WIDTH);
    while (entry.texts.length < lines.length) {
      const t = svg('text', { x: left + (w - left - 6) / 2, 'text-anchor': 'middle' });
      entry.g.append(t);
      entry.texts.push(t);
    }
    const top = (h - lines.length * LINE_HEIGHT) / 2 + LINE_HEIGHT * 0.72;
    entry.texts.forEach((t, i) => {
      const line = lines[i];
      t.style.display = line ? '' : 'none';
      if (!line) return;
      t.setAttribute('y', top + i * LINE_HEIGHT);
      t.setAttribute('class', `dag-line ${line.cls ?? ''}`.trim());
      t.textContent = line.text.length > maxChars ? `${line.text.slice(0, maxChars - 1)}…` : line.text;
    });
    entry.tip.textContent = lines.map((l) => l.full ?? l.text).join('\n');
    entry.g.setAttribute('aria-label', entry.tip.textContent.replace(/\n/g, ', '));
  }

  setEdgeLabel(index, text) {
    const entry = this.edgeEls[index];
    if (!entry) return;
    entry.label.style.display = text ? '' : 'none';
    entry.text.textContent = text ?? '';
    const width = (text ?? '').length * CHAR_WIDTH + 12;
    entry.pill.setAttribute('x', -width / 2);
    entry.pill.setAttribute('width', width);
  }

  // A class on a node (by id) or an edge (by index), e.g. the one backward() is visiting.
  mark(kind, key, cls, on = true) {
    const target = kind === 'node' ? this.nodeEls.get(key)?.g : this.edgeEls[key];
    if (!target) return;
    const els = kind === 'node' ? [target] : [target.path, target.label];
    for (const el of els) el.classList.toggle(cls, on);
  }

  clearMark(cls) {
    for (const el of this.root.querySelectorAll(`.${cls}`)) el.classList.remove(cls);
  }

  // Gradient flows against the edges: t = 0 at the node fed, t = 1 at the feeding node.
  pulse(index, t) {
    const path = this.edgeEls[index]?.path;
    if (!path || t == null) {
      this.dot.setAttribute('visibility', 'hidden');
      return;
    }
    const length = path.getTotalLength();
    const p = path.getPointAtLength(length * (1 - Math.min(1, Math.max(0, t))));
    this.dot.setAttribute('cx', p.x);
    this.dot.setAttribute('cy', p.y);
    this.dot.setAttribute('visibility', 'visible');
  }

  // Scale to the container's width (within minScale..maxScale); beyond that the container scrolls.
  fit() {
    if (!this.size) return;
    const [width, height] = this.size;
    const room = this.container.clientWidth - 16;
    const scale = room > 0 ? Math.min(this.maxScale, Math.max(this.minScale, room / width)) : 1;
    this.root.setAttribute('width', Math.round(width * scale));
    this.root.setAttribute('height', Math.round(height * scale));
  }

  nodeElement(id) {
    return this.nodeEls.get(id)?.g ?? null;
  }
}

// The point of a cubic Bezier (x increasing along it) whose x is closest to `x`.
function pointAtX(c, x) {
  const at = (t) => {
    const u = 1 - t;
    const f = (p0, p1, p2, p3) => u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3;
    return [f(c[0], c[2], c[4], c[6]), f(c[1], c[3], c[5], c[7])];
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid)[0] < x) lo = mid;
    else hi = mid;
  }
  return at((lo + hi) / 2);
}
