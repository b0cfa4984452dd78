// A canvas heatmap of a rows x cols matrix of numbers, on a diverging colour scale centred at 0
// (one hue for negative, another for positive, the page's background for zero), so the sign
// and the size of every number read at a glance. Used for weight matrices, attention weights,
// gradients: anything that is a grid of numbers from Python.
//
//   const map = new Heatmap(canvas, { maxWidth: 360, maxHeight: 240, legend: element, onHover });
//   map.setData(float64Array, rows, cols, { rowLabels })  // data changed (redraws)
//   map.render()                                          // view changed: size or cursor
//   map.setCursor({ row, col } | null)                    // outline one cell
//   onHover({ row, col, value, source: 'pointer' | 'keyboard' } | null)
//
// A NaN value means "no value here" (e.g. a key a causal query cannot see): drawn hatched.
// With `keyboard: true` the canvas takes focus and the arrow keys move the cursor, so a cell's
// value is reachable without a mouse. The colours are the page's tokens, read from CSS.
import { shortNumber } from './short-number.js';

const LEVELS = 256; // colour steps per sign: finer than the eye can tell apart on a cell
const LABEL_MIN_CELL = 10; // below this a row/column label would not fit beside its cell

export class Heatmap {
  constructor(
    canvas,
    {
      maxWidth = 360,
      maxHeight = 240,
      maxCell = 28,
      labels = false,
      legend = null,
      keyboard = false,
      onHover = null,
      range = null,
      colors = null,
    } = {},
  ) {
    this.canvas = canvas;
    this.opts = { maxWidth, maxHeight, maxCell, labels, keyboard };
    this.onHover = onHover;
    this.fixedRange = range; // a fixed symmetric range (e.g. to compare steps), else max |value|
    this.colorOverride = colors;
    this.legend = legend ? new HeatmapLegend(legend) : null;
    this.values = new Float64Array(0);
    this.rows = 0;
    this.cols = 0;
    this.rowLabels = null;
    this.colLabels = null;
    this.cursor = null;
    this.layout = null;
    canvas.classList.add('heatmap');
    // To assistive technology a picture, named by its caller or else with its shape and scale
    // (see setData); its numbers reach screen readers through the keyboard read-out below.
    if (!canvas.hasAttribute('role')) canvas.setAttribute('role', 'img');
    this.autoLabel = !canvas.hasAttribute('aria-label');
    this.announcer = null;
    canvas.addEventListener('pointermove', (e) => this.pointerAt(e.clientX, e.clientY));
    canvas.addEventListener('pointerleave', () => this.pointerAt(null));
    if (keyboard) {
      canvas.tabIndex = 0;
      canvas.addEventListener('keydown', (e) => this.onKey(e));
      canvas.addEventListener('focus', () => {
        if (!this.cursor && this.rows) this.moveCursor({ row: 0, col: 0 });
      });
    }
  }

  // Data changed: new numbers (and perhaps a new shape). `values` is row-major, rows * cols long.
  setData(values, rows, cols, { rowLabels = null, colLabels = null } = {}) {
    if (values.length < rows * cols) throw new Error(`heatmap: ${values.length} values for ${rows} x ${cols}`);
    const reshaped = rows !== this.rows || cols !== this.cols;
    this.values = values;
    this.rows = rows;
    this.cols = cols;
    this.rowLabels = rowLabels;
    this.colLabels = colLabels;
    if (reshaped) this.cursor = null;
    this.canvas.dataset.rows = String(rows);
    this.canvas.dataset.cols = String(cols);
    this.render();
    if (this.autoLabel) {
      const r = shortNumber(this.range, 3);
      this.canvas.setAttribute('aria-label', `Heatmap, ${rows} × ${cols} numbers from -${r} to +${r}`);
    }
  }

  value(row, col) {
    return this.values[row * this.cols + col];
  }

  // The symmetric scale: colours run from -range (full negative hue) to +range (full positive).
  get range() {
    if (this.fixedRange != null) return this.fixedRange;
    let max = 0;
    for (let i = 0; i < this.rows * this.cols; i++) if (!Number.isNaN(this.values[i])) max = Math.max(max, Math.abs(this.values[i]));
    return max;
  }

  render() {
    this.layout = this.computeLayout();
    const { width, height, cell, left, top } = this.layout;
    const dpr = window.devicePixelRatio || 1;
    const canvas = this.canvas;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    // The geometry, for tests and for anything that points at a cell from outside.
    Object.assign(canvas.dataset, { cell: String(cell), left: String(left), top: String(top) });
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const palette = this.palette();
    const range = this.range;
    const gap = cell >= 7 ? 1 : 0; // a hairline between cells once they are big enough to count
    for (let r = 0; r < this.rows; r++) {
      for (let c = 0; c < this.cols; c++) {
        const v = this.value(r, c);
        if (Number.isNaN(v)) {
          drawMasked(ctx, left + c * cell, top + r * cell, cell - gap, palette);
          continue;
        }
        ctx.fillStyle = palette.color(v, range);
        ctx.fillRect(left + c * cell, top + r * cell, cell - gap, cell - gap);
      }
    }
    if (this.opts.labels && cell >= LABEL_MIN_CELL) this.drawLabels(ctx, palette);
    if (this.cursor) {
      ctx.strokeStyle = palette.cursor;
      ctx.lineWidth = 2;
      ctx.strokeRect(left + this.cursor.col * cell - 1, top + this.cursor.row * cell - 1, cell + 1 - gap, cell + 1 - gap);
    }
    this.legend?.update(range, palette);
  }

  // Cell size: as large as fits the box (capped), never below one pixel.
  computeLayout() {
    const { maxWidth, maxHeight, maxCell, labels } = this.opts;
    const fit = (left, top) =>
      Math.max(
        1,
        Math.min(maxCell, Math.floor((maxWidth - left) / Math.max(1, this.cols)), Math.floor((maxHeight - top) / Math.max(1, this.rows))),
      );
    let left = 0;
    let top = 0;
    let cell = fit(0, 0);
    if (labels && fit(LABEL_MARGIN.left, LABEL_MARGIN.top) >= LABEL_MIN_CELL) {
      ({ left, top } = LABEL_MARGIN);
      cell = fit(left, top);
    }
    return { cell, left, top, width: left + cell * this.cols, height: top + cell * this.rows };
  }

  drawLabels(ctx, palette) {
    const { cell, left, top } = this.layout;
    ctx.font = `${Math.min(12, cell - 1)}px ${palette.font}`;
    ctx.fillStyle = palette.label;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (let r = 0; r < this.rows; r++) {
      ctx.fillText(this.rowLabels?.[r] ?? String(r), left - 6, top + r * cell + cell / 2);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    const every = Math.max(1, Math.ceil(22 / cell)); // room for a two-digit index
    for (let c = 0; c < this.cols; c += every) {
      ctx.fillText(this.colLabels?.[c] ?? String(c), left + c * cell + cell / 2, top - 4);
    }
  }

  // The cell under a point in client coordinates, or null.
  cellAt(clientX, clientY) {
    if (!this.layout || !this.rows) return null;
    const box = this.canvas.getBoundingClientRect();
    const { cell, left, top } = this.layout;
    const col = Math.floor((clientX - box.left - left) / cell);
    const row = Math.floor((clientY - box.top - top) / cell);
    if (row < 0 || col < 0 || row >= this.rows || col >= this.cols) return null;
    return { row, col, value: this.value(row, col) };
  }

  setCursor(cell) {
    const same = cell && this.cursor && cell.row === this.cursor.row && cell.col === this.cursor.col;
    if (same || (!cell && !this.cursor)) return;
    this.cursor = cell ? { row: cell.row, col: cell.col } : null;
    this.render();
  }

  pointerAt(clientX, clientY) {
    const cell = clientX == null ? null : this.cellAt(clientX, clientY);
    this.setCursor(cell);
    this.onHover?.(cell ? { ...cell, source: 'pointer', clientX, clientY } : null);
  }

  moveCursor(cell) {
    const row = Math.min(this.rows - 1, Math.max(0, cell.row));
    const col = Math.min(this.cols - 1, Math.max(0, cell.col));
    this.setCursor({ row, col });
    this.announce(row, col);
    this.onHover?.({ row, col, value: this.value(row, col), source: 'keyboard' });
  }

  // The cell the arrow keys reached, said in words: colour is never the only carrier of a value.
  announce(row, col) {
    if (!this.announcer) {
      this.announcer = document.createElement('span');
      this.announcer.className = 'visually-hidden';
      this.announcer.setAttribute('aria-live', 'polite');
      this.canvas.after(this.announcer);
    }
    const v = this.value(row, col);
    const name = (labels, i) => labels?.[i] ?? String(i);
    this.announcer.textContent =
      `row ${name(this.rowLabels, row)}, column ${name(this.colLabels, col)}: ` + (Number.isNaN(v) ? 'no value' : shortNumber(v, 4));
  }

  onKey(e) {
    const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!step || !this.rows) return;
    e.preventDefault();
    const at = this.cursor ?? { row: 0, col: 0 };
    this.moveCursor({ row: at.row + step[0], col: at.col + step[1] });
  }

  // The colours (and the labels' font) are read from CSS once per heatmap: the page has one
  // theme, and reading a canvas's style makes the browser style its chapter even while it skips
  // it off screen (content-visibility). Read at every render, that was ~100 ms of the first
  // frame's drawing.
  palette() {
    if (this.cachedPalette) return this.cachedPalette;
    const style = getComputedStyle(this.canvas);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    const colors = {
      // The scale is heatmap.css's (tokens.css --diverge-*); a grey if a stylesheet is missing.
      negative: read('--heat-negative', '#888888'),
      zero: read('--heat-zero', '#222222'),
      positive: read('--heat-positive', '#888888'),
      ...this.colorOverride,
    };
    this.cachedPalette = Object.assign(new Palette(colors, read('--text', '#d9dee8'), read('--text-dim', '#9aa3b5')), {
      masked: read('--bg-sunken', '#0b0d12'),
      hatch: read('--line-strong', '#3a4254'),
      font: read('--font-code', 'monospace'),
    });
    return this.cachedPalette;
  }
}

const LABEL_MARGIN = { left: 34, top: 18 };

// NaN means "no value here" (e.g. a key a causal query cannot see): hatched, so it never reads
// as a 0 of the colour scale.
function drawMasked(ctx, x, y, size, palette) {
  ctx.fillStyle = palette.masked;
  ctx.fillRect(x, y, size, size);
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, size, size);
  ctx.clip();
  ctx.strokeStyle = palette.hatch;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let d = -size; d < size; d += 5) {
    ctx.moveTo(x + d, y + size);
    ctx.lineTo(x + d + size, y);
  }
  ctx.stroke();
  ctx.restore();
}

// Colour lookup: LEVELS precomputed steps from the zero colour to each end.
class Palette {
  constructor({ negative, zero, positive }, cursor, label) {
    this.cursor = cursor;
    this.label = label;
    this.ends = { negative, zero, positive };
    const z = parseColor(zero);
    const ramp = (end) => Array.from({ length: LEVELS + 1 }, (_, i) => mix(z, parseColor(end), i / LEVELS));
    this.neg = ramp(negative);
    this.pos = ramp(positive);
  }

  color(value, range) {
    if (!(range > 0) || !Number.isFinite(value)) return this.neg[0];
    const t = Math.min(1, Math.abs(value) / range);
    return (value < 0 ? this.neg : this.pos)[Math.round(t * LEVELS)];
  }
}

function parseColor(text) {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  }
  const rgb = /rgba?\(([^)]+)\)/.exec(text);
  if (rgb)
    return rgb[1]
      .split(/[\s,/]+/)
      .slice(0, 3)
      .map(Number);
  return [128, 128, 128];
}

function mix(a, b, t) {
  const [r, g, bl] = a.map((v, i) => Math.round(v + (b[i] - v) * t));
  return `rgb(${r}, ${g}, ${bl})`;
}

// The scale under a heatmap: a bar from -range through 0 to +range, in the same colours.
export class HeatmapLegend {
  constructor(container) {
    this.root = document.createElement('div');
    this.root.className = 'heatmap-legend';
    this.bar = document.createElement('span');
    this.bar.className = 'heatmap-legend-bar';
    this.bar.setAttribute('aria-hidden', 'true');
    const labels = document.createElement('span');
    labels.className = 'heatmap-legend-labels';
    this.low = document.createElement('span');
    const zero = document.createElement('span');
    zero.textContent = '0';
    this.high = document.createElement('span');
    labels.append(this.low, zero, this.high);
    this.root.append(this.bar, labels);
    container.append(this.root);
  }

  update(range, palette) {
    const { negative, zero, positive } = palette.ends;
    this.bar.style.background = `linear-gradient(to right, ${negative}, ${zero}, ${positive})`;
    this.low.textContent = shortNumber(-range, 3);
    this.high.textContent = `+${shortNumber(range, 3)}`;
    this.root.dataset.range = String(range);
  }
}
