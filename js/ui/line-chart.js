// A small canvas line chart: a few series of (x, y) points over shared axes, horizontal
// reference lines, and a hover readout. Used for the loss curve and the learning rate.
//
//   const chart = new LineChart(box, { height: 220, label: 'Loss per step', onHover, onPick });  // draws in a canvas it adds to box
//   chart.setSeries([{ xs, ys, color: '--flow-loss', width: 1, dots: false, marker: false, name }],
//                   { xMax, yMin, yMax, lines: [{ y, color, label }] })   // data changed
//   chart.render()                                                        // view changed (resize)
//   onHover({ index, x, y, clientX, clientY } | null)  // the nearest point of the first series
//   onPick({ index, x, y, clientX, clientY })           // the same point, clicked
// A series with a `name` is told in the chart's accessible summary (several runs on one chart);
// without names the summary tells the first series.
//
// Redraws are coalesced on requestAnimationFrame: a burst of setSeries calls (one per training
// step) costs one paint per frame. Colours are the page's CSS variables, read from the canvas.
import { shortNumber } from './short-number.js';

const PAD = { left: 46, right: 12, top: 10, bottom: 24 };

export class LineChart {
  constructor(box, { height = 200, xLabel = 'step', label = '', onHover = null, onPick = null } = {}) {
    const canvas = document.createElement('canvas');
    // An image to assistive technology, named with a summary of its data (see setSeries).
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
    this.label = label;
    box.append(canvas);
    this.canvas = canvas;
    this.height = height;
    this.xLabel = xLabel;
    this.onHover = onHover;
    this.series = [];
    this.scale = { xMin: 0, xMax: 1, yMin: 0, yMax: 1, lines: [] };
    this.hover = null;
    this.frame = 0;
    canvas.classList.add('line-chart');
    canvas.addEventListener('pointermove', (e) => this.pointerAt(e.clientX, e.clientY));
    canvas.addEventListener('pointerleave', () => this.pointerAt(null));
    if (onPick) {
      canvas.classList.add('line-chart-pickable');
      canvas.addEventListener('click', (e) => {
        const hit = this.nearest(e.clientX, e.clientY);
        if (hit) onPick(hit);
      });
    }
    // The chart follows its box's width (the card is fluid). The width and the colours are read
    // here, not in render(): reading layout or styles right after other DOM writes would force
    // the browser to recompute the whole page's layout in the middle of a frame.
    this.boxWidth = 0;
    this.style = null;
    new ResizeObserver(([entry]) => {
      this.boxWidth = Math.floor(entry.contentRect.width);
      this.style = null;
      this.invalidate();
    }).observe(box);
  }

  /** @param {any[]} series @param {{xMin?: number, xMax?: number, yMin?: number, yMax?: number, lines?: any[]}} [range] */
  setSeries(series, { xMin = 0, xMax, yMin, yMax, lines = [] } = {}) {
    this.series = series;
    const ys = series.flatMap((s) => Array.from(s.ys).filter(Number.isFinite)).concat(lines.map((l) => l.y));
    const lo = yMin ?? Math.min(...ys, 0);
    const hi = yMax ?? (ys.length ? Math.max(...ys) * 1.05 : 1);
    const xs = series.flatMap((s) => (s.xs.length ? [s.xs[s.xs.length - 1]] : []));
    // Grid lines at round numbers (1, 2 or 5 times a power of ten), the top one at or above hi.
    const tick = niceStep(((hi > lo ? hi : lo + 1) - lo) / 4);
    const top = lo + Math.ceil((hi - lo) / tick - 1e-9) * tick;
    this.scale = { xMin, xMax: xMax ?? Math.max(1, ...xs), yMin: lo, yMax: top > lo ? top : lo + tick, tick, lines };
    this.canvas.dataset.points = String(series[0]?.xs.length ?? 0);
    this.canvas.setAttribute('aria-label', this.summary());
    this.invalidate();
  }

  // The label plus each named series' (else the first series') size and last point: the curves in words.
  summary() {
    const named = this.series.filter((s) => s.name != null);
    const told = named.length ? named : this.series.slice(0, 1);
    if (!told.some((s) => s.xs.length)) return `${this.label}: no points yet`;
    const one = ({ xs, ys }) => {
      const i = xs.length - 1;
      return i < 0 ? 'no points yet' : `${xs.length} points; at ${this.xLabel} ${shortNumber(xs[i])}, ${shortNumber(ys[i], 4)}`;
    };
    return named.length ? `${this.label}: ${named.map((s) => `${s.name}: ${one(s)}`).join('; ')}` : `${this.label}: ${one(told[0])}`;
  }

  invalidate() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  // Plot coordinates of a data point.
  px(x) {
    const { xMin, xMax } = this.scale;
    return PAD.left + ((x - xMin) / Math.max(1e-12, xMax - xMin)) * (this.width - PAD.left - PAD.right);
  }

  py(y) {
    const { yMin, yMax } = this.scale;
    return PAD.top + (1 - (y - yMin) / (yMax - yMin)) * (this.height - PAD.top - PAD.bottom);
  }

  render() {
    const canvas = this.canvas;
    if (!this.boxWidth) return; // not laid out yet: the ResizeObserver calls back once it is
    const t0 = performance.now();
    const width = Math.max(120, this.boxWidth);
    this.width = width;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(this.height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(this.height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${this.height}px`;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, this.height);
    this.style ??= new Map();
    const read = (name) => {
      if (!this.style.has(name)) this.style.set(name, getComputedStyle(canvas).getPropertyValue(name).trim());
      return this.style.get(name);
    };
    const color = (name) => (name?.startsWith('--') ? read(name) : name) || '#9aa3b5';
    const font = read('--font-code') || 'monospace';
    this.drawAxes(ctx, color, font);
    for (const line of this.scale.lines) this.drawLine(ctx, line, color, font);
    for (const s of this.series) this.drawSeries(ctx, s, color(s.color));
    if (this.hover) this.drawHover(ctx, color);
    performance.measure('line-chart', { start: t0, end: performance.now() });
  }

  drawAxes(ctx, color, font) {
    const { xMin, xMax, yMin, yMax, tick } = this.scale;
    ctx.font = `12px ${font}`; // no text on the page under 12 px
    ctx.strokeStyle = color('--line');
    ctx.fillStyle = color('--text-dim');
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; yMin + i * tick <= yMax + tick * 1e-6; i++) {
      const y = yMin + i * tick;
      const p = Math.round(this.py(y)) + 0.5;
      ctx.globalAlpha = 0.5;
      ctx.beginPath();
      ctx.moveTo(PAD.left, p);
      ctx.lineTo(this.width - PAD.right, p);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillText(shortNumber(y, 3), PAD.left - 6, p);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const bottom = this.height - PAD.bottom + 6;
    ctx.fillText(String(Math.round(xMin)), this.px(xMin) + 6, bottom);
    ctx.fillText(String(Math.round(xMax)), this.px(xMax) - 10, bottom);
    ctx.fillText(this.xLabel, (PAD.left + this.width - PAD.right) / 2, bottom);
  }

  drawLine(ctx, { y, color: c, label }, color, font) {
    const p = Math.round(this.py(y)) + 0.5;
    ctx.strokeStyle = color(c);
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(PAD.left, p);
    ctx.lineTo(this.width - PAD.right, p);
    ctx.stroke();
    ctx.setLineDash([]);
    if (label) {
      // On a backing box: the series often runs right along this line.
      ctx.font = `12px ${font}`; // no text on the page under 12 px
      const w = ctx.measureText(label).width;
      const x = this.width - PAD.right - 2;
      ctx.fillStyle = color('--bg-raised');
      ctx.globalAlpha = 0.85;
      ctx.fillRect(x - w - 4, p - 17, w + 6, 14);
      ctx.globalAlpha = 1;
      ctx.fillStyle = color(c);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(label, x, p - 4);
    }
  }

  drawSeries(ctx, { xs, ys, width = 1.5, dots = false, dash = null, alpha = 1, marker = false }, c) {
    ctx.strokeStyle = c;
    ctx.fillStyle = c;
    ctx.lineWidth = width;
    ctx.globalAlpha = alpha;
    ctx.setLineDash(dash ?? []);
    ctx.beginPath();
    for (let i = 0; i < xs.length; i++) {
      if (i === 0) ctx.moveTo(this.px(xs[i]), this.py(ys[i]));
      else ctx.lineTo(this.px(xs[i]), this.py(ys[i]));
    }
    ctx.stroke();
    ctx.setLineDash([]);
    if (dots || xs.length === 1) {
      for (let i = 0; i < xs.length; i++) {
        ctx.beginPath();
        ctx.arc(this.px(xs[i]), this.py(ys[i]), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    if (marker && xs.length) {
      // where the series has got to, visible even when it is a sliver
      ctx.beginPath();
      ctx.arc(this.px(xs[xs.length - 1]), this.py(ys[ys.length - 1]), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  drawHover(ctx, color) {
    const x = this.px(this.hover.x);
    ctx.strokeStyle = color('--text-dim');
    ctx.beginPath();
    ctx.moveTo(x + 0.5, PAD.top);
    ctx.lineTo(x + 0.5, this.height - PAD.bottom);
    ctx.stroke();
    ctx.fillStyle = color('--text');
    ctx.beginPath();
    ctx.arc(x, this.py(this.hover.y), 4, 0, 2 * Math.PI);
    ctx.fill();
  }

  // The first series' point nearest to the pointer's x, or null.
  nearest(clientX, clientY) {
    const s = this.series[0];
    if (clientX == null || !s?.xs.length) return null;
    const box = this.canvas.getBoundingClientRect();
    const { xMin, xMax } = this.scale;
    const x = xMin + ((clientX - box.left - PAD.left) / (this.width - PAD.left - PAD.right)) * (xMax - xMin);
    let best = 0;
    for (let i = 1; i < s.xs.length; i++) if (Math.abs(s.xs[i] - x) < Math.abs(s.xs[best] - x)) best = i;
    return { index: best, x: s.xs[best], y: s.ys[best], clientX, clientY };
  }

  pointerAt(clientX, clientY) {
    const hit = this.nearest(clientX, clientY);
    this.hover = hit;
    this.invalidate();
    this.onHover?.(hit);
  }
}

function niceStep(raw) {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}
