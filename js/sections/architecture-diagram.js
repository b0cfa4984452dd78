// Chapter 4: the block diagram of gpt(), drawn top to bottom from the script's own sizes
// (info.hyper): one layer block per `n_layer`, the real widths on the projections. Residual
// connections are the bypass arrows on the right. The block the step-through is on lights up.
//
//   const diagram = new ArchDiagram(container);
//   diagram.draw(info);            // data changed: a (re)loaded script
//   diagram.setActive('L0.q');     // view changed: the step shown
import { el } from '../ui/dom.js';
import { layerBlock } from './architecture-steps.js';
import { svg } from '../ui/svg.js';
import { scrollCue } from '../ui/scroll-cue.js';

const WIDTH = 300;
const BOX_W = 176;
const BOX_H = 24;
const ROW = 34;
const CX = 108; // the main column's centre; the bypass arrows run to its right
const BYPASS_X = 236;
const PAD = 12;


// Rows of boxes: [{id, label, flow}] side by side, per stage of gpt().
function layerRows(li, h) {
  const id = (b) => layerBlock(li, b);
  const attn = [
    [{ id: id('attn_norm'), label: 'rmsnorm', flow: 'attn' }],
    [
      { id: id('q'), label: 'Q', flow: 'attn' },
      { id: id('k'), label: 'K', flow: 'attn' },
      { id: id('v'), label: 'V', flow: 'attn' },
    ],
    [{ id: id('kv'), label: 'k, v → KV cache', flow: 'attn' }],
    [{ id: id('split'), label: `split: ${h.n_head} heads × ${h.head_dim}`, flow: 'attn' }],
    [{ id: id('scores'), label: `q·k / √${h.head_dim}`, flow: 'attn' }],
    [{ id: id('softmax'), label: 'softmax', flow: 'attn' }],
    [{ id: id('wsum'), label: 'weighted sum of v', flow: 'attn' }],
    [{ id: id('wo'), label: `attn_wo ${h.n_embd}→${h.n_embd}`, flow: 'attn' }],
    [{ id: id('attn_add'), label: '+ residual', flow: 'attn', add: id('attn_res') }],
  ];
  const wide = h.n_embd * 4;
  const mlp = [
    [{ id: id('mlp_norm'), label: 'rmsnorm', flow: 'mlp' }],
    [{ id: id('fc1'), label: `mlp_fc1 ${h.n_embd}→${wide}`, flow: 'mlp' }],
    [{ id: id('relu'), label: 'ReLU', flow: 'mlp' }],
    [{ id: id('fc2'), label: `mlp_fc2 ${wide}→${h.n_embd}`, flow: 'mlp' }],
    [{ id: id('mlp_add'), label: '+ residual', flow: 'mlp', add: id('mlp_res') }],
  ];
  return { attn, mlp };
}

export class ArchDiagram {
  constructor(container) {
    // The box scrolls, so it is a tab stop (said explicitly: not every browser makes a scroller
    // focusable on its own) and needs a name.
    this.scroller = scrollCue(el('div', { className: 'arch-diagram', role: 'region', 'aria-label': 'gpt() block diagram (scrolls)', tabindex: '0' }));
    container.append(this.scroller);
    this.blocks = new Map(); // block id -> svg group
    this.spans = new Map(); // block id -> {top, bottom}: where it is, in the diagram's pixels
    // Whether the diagram is on screen (or near): only then is the lit block scrolled to. Off
    // screen, asking where a block is would make the browser lay out a chapter it skips.
    this.onScreen = true;
    if (typeof IntersectionObserver === 'function') {
      this.onScreen = false; // until the observer's first report, right after observe()
      new IntersectionObserver((entries) => {
        this.onScreen = entries.at(-1).isIntersecting;
        if (this.onScreen) this.keepActiveInView();
      }, { rootMargin: '200px 0px' }).observe(this.scroller);
    }
    this.order = []; // block ids top to bottom, for tests and the "visited" shading
  }

  draw(info) {
    const h = info.hyper ?? {};
    const vocab = info.vocab_size;
    this.blocks.clear();
    this.spans.clear();
    this.order = [];
    const root = svg('svg', { class: 'arch-svg', role: 'img', 'aria-label': `Block diagram of gpt() with ${h.n_layer} layer(s)` });
    const arrows = svg('g', { class: 'arch-arrows' });
    const layers = svg('g'); // each layer's box, under its stages' frames
    const frames = svg('g');
    const boxes = svg('g');
    root.append(layers, frames, arrows, boxes);
    let y = PAD;
    let prev = null; // the previous row's boxes, for the arrows between rows

    const addRow = (row) => {
      const gap = 8;
      const w = row.length === 1 ? BOX_W : (BOX_W - gap * (row.length - 1)) / row.length;
      const placed = row.map((spec, i) => {
        const x = CX - BOX_W / 2 + i * (w + gap);
        const g = svg('g', { class: `arch-block ${spec.flow}`, 'data-block': spec.id });
        g.append(svg('rect', { x, y, width: w, height: BOX_H, rx: 5 }));
        g.append(svg('text', { x: x + w / 2, y: y + BOX_H / 2 + 4 }, spec.label));
        boxes.append(g);
        this.blocks.set(spec.id, g);
        this.spans.set(spec.id, { top: y, bottom: y + BOX_H });
        this.order.push(spec.id);
        return { cx: x + w / 2, top: y, bottom: y + BOX_H, right: x + w, spec };
      });
      // Arrows run straight down: one per box of whichever row has several (Q, K, V).
      const wide = (prev?.length ?? 0) > 1 ? prev : placed;
      if (prev) {
        for (const box of wide) {
          const from = prev.length > 1 ? box : prev[0];
          arrows.append(svg('path', { d: `M${box.cx},${from.bottom} L${box.cx},${y - 2}`, class: 'arch-arrow', 'marker-end': 'url(#arch-head)' }));
        }
      }
      for (const box of placed) if (box.spec.add) this.bypass(arrows, box, bypassFrom);
      prev = placed;
      y += ROW;
      return placed;
    };
    let bypassFrom = 0;

    root.prepend(marker());
    addRow([{ id: 'tok_emb', label: 'wte[token]', flow: 'embed' }, { id: 'pos_emb', label: 'wpe[pos]', flow: 'embed' }]);
    addRow([{ id: 'embed_add', label: 'add', flow: 'embed' }]);
    addRow([{ id: 'embed_norm', label: 'rmsnorm', flow: 'embed' }]);

    for (let li = 0; li < (h.n_layer ?? 0); li++) {
      const top = y;
      y += 20; // room for the layer's title
      const rows = layerRows(li, h);
      const attnTop = y;
      bypassFrom = y - 6;
      this.order.push(layerBlock(li, 'frame'), layerBlock(li, 'attn_res'));
      rows.attn.forEach(addRow);
      frames.append(stageFrame('attn', attnTop - 4, y - ROW + BOX_H + 6));
      y += 8;
      bypassFrom = y - 6;
      this.order.push(layerBlock(li, 'mlp_res'));
      const mlpTop = y;
      rows.mlp.forEach(addRow);
      frames.append(stageFrame('mlp', mlpTop - 4, y - ROW + BOX_H + 6));
      const frame = svg('g', { class: 'arch-layer', 'data-block': layerBlock(li, 'frame') });
      frame.append(svg('rect', { x: 4, y: top, width: WIDTH - 8, height: y - top, rx: 8 }));
      frame.append(svg('text', { x: 14, y: top + 14 }, `layer ${li}`));
      layers.append(frame);
      this.blocks.set(layerBlock(li, 'frame'), frame);
      this.spans.set(layerBlock(li, 'frame'), { top, bottom: y });
      y += 10;
    }
    addRow([{ id: 'lm_head', label: `lm_head ${h.n_embd}→${vocab}`, flow: 'loss' }]);
    addRow([{ id: 'probs', label: 'softmax → p(next)', flow: 'loss' }]);
    root.setAttribute('viewBox', `0 0 ${WIDTH} ${y}`);
    root.setAttribute('width', String(WIDTH));
    root.setAttribute('height', String(y));
    this.scroller.replaceChildren(root);
    this.scroller.dataset.layers = String(h.n_layer ?? 0);
    this.setActive(this.active);
  }

  // A bypass arrow from above the stage's first box down to its "+ residual" box.
  bypass(layer, box, fromY) {
    const id = box.spec.add;
    const g = svg('g', { class: `arch-bypass ${box.spec.flow}`, 'data-block': id });
    const mid = box.top + BOX_H / 2;
    g.append(svg('path', {
      d: `M${CX},${fromY} L${BYPASS_X},${fromY} L${BYPASS_X},${mid} L${box.right + 2},${mid}`,
      'marker-end': 'url(#arch-head)',
    }));
    g.append(svg('text', { x: BYPASS_X + 6, y: (fromY + mid) / 2, transform: `rotate(90 ${BYPASS_X + 6} ${(fromY + mid) / 2})` }, 'residual'));
    layer.append(g);
    this.blocks.set(id, g);
    this.spans.set(id, { top: fromY, bottom: mid });
  }

  setActive(id) {
    this.active = id;
    for (const [key, g] of this.blocks) g.classList.toggle('active', key === id);
    this.scroller.dataset.active = id ?? '';
    if (this.onScreen) this.keepActiveInView();
  }

  // Keeps the lit block in the diagram's own scroll box (never scrolls the page).
  keepActiveInView() {
    const span = this.active && this.spans.get(this.active);
    if (!span) return;
    const view = this.scroller;
    if (span.top < view.scrollTop + 10 || span.bottom > view.scrollTop + view.clientHeight - 10) {
      view.scrollTop = Math.max(0, span.top - view.clientHeight / 3);
    }
  }
}

function stageFrame(flow, top, bottom) {
  return svg('rect', { class: `arch-stage ${flow}`, x: 12, y: top, width: WIDTH - 24, height: bottom - top, rx: 6 });
}

function marker() {
  const defs = svg('defs');
  const m = svg('marker', { id: 'arch-head', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  m.append(svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arch-head' }));
  defs.append(m);
  return defs;
}
