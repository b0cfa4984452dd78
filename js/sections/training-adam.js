// Chapter 6: Adam's state for a few parameters. A heatmap of one matrix (hover: a parameter's
// value, gradient, m and v; click: add it to the table), and per selected parameter its m and v
// as bars, the bias-corrected m-hat and v-hat and the step's update. The update is the formula of
// the script's Adam lines applied to Python's numbers (the record's m, v, lr_t and step, and the
// script's beta1, beta2, eps_adam); the table checks it against the data Python wrote.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { scrollCue } from '../ui/scroll-cue.js';
import { Heatmap } from '../ui/heatmap.js';
import { showTooltip, hideTooltip } from '../ui/tooltip.js';
import { shortNumber } from '../ui/short-number.js';
import { pyRepr } from '../ui/py-number.js';

const MAX_SELECTED = 4;
const COLUMNS = [
  { key: 'data', label: 'data', bar: false },
  { key: 'grad', label: 'grad', bar: true, flow: 'loss' },
  { key: 'm', label: 'm', bar: true, flow: 'mlp' },
  { key: 'v', label: 'v', bar: true, flow: 'embed' },
  { key: 'mHat', label: 'm̂', bar: false },
  { key: 'vHat', label: 'v̂', bar: false },
  { key: 'update', label: 'update', bar: true, flow: 'attn' },
];

export class TrainingAdam {
  constructor({ codeLinkButton }) {
    this.card = liveCard({
      title: 'Adam, parameter by parameter',
      term: 'adam',
      action: codeLinkButton,
      className: 'tr-adam-card',
    });
    this.matrixSelect = el('select', { className: 'tr-matrix', 'aria-label': 'Matrix to show' });
    this.matrixSelect.addEventListener('change', () => this.showMatrix());
    this.canvas = el('canvas', { 'aria-label': 'Heatmap of the matrix; click a cell to add it to the table' });
    const legend = el('div', 'tr-heat-legend');
    this.heatmap = new Heatmap(this.canvas, { maxWidth: 300, maxHeight: 300, maxCell: 14, legend, keyboard: true, onHover: (h) => this.hover(h) });
    this.canvas.addEventListener('click', (e) => this.pick(this.heatmap.cellAt(e.clientX, e.clientY)));
    this.canvas.addEventListener('keydown', (e) => { if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); this.pick(this.heatmap.cursor); } });
    this.table = el('table', 'tr-adam-table');
    this.formula = el('p', 'live-card-note tr-formula');
    const left = el('div', 'tr-adam-map', [el('label', 'tr-matrix-label', ['matrix ', this.matrixSelect]), this.canvas, legend]);
    // The table scrolls sideways in a narrow column: a named tab stop, so keys can scroll it.
    const side = scrollCue(el('div', { className: 'tr-adam-side', tabindex: '0', role: 'region', 'aria-label': "Adam's numbers for the picked parameters" }, [this.table, this.formula]));
    this.card.body.append(el('div', 'tr-adam-grid', [left, side]));
    this.selected = [];
    this.state = null;
  }

  // Data changed: a (re)loaded script. `layout`: [{name, rows, cols, offset}] in params order.
  setScript(info, layout) {
    this.hyper = info.hyper ?? {};
    this.layout = layout;
    this.matrixSelect.replaceChildren(...layout.map((m) => el('option', { value: m.name }, `${m.name} (${m.rows}×${m.cols})`)));
    const wte = layout.find((m) => m.name === 'wte') ?? layout[0];
    if (wte) this.matrixSelect.value = wte.name;
    // BOS's row first: BOS is in every document, so its embedding gets a gradient at every step.
    const bos = wte && info.BOS < wte.rows ? info.BOS * wte.cols : 0;
    this.selected = wte ? [bos, bos + 1, 0].filter((i) => i < wte.rows * wte.cols).map((i) => wte.offset + i) : [];
    this.state = null;
  }

  // `state`: {data, grad, m, v, lr_t, step} — the last record, or `params` before any step;
  // `before`: the data of the step just before it, if that record was seen.
  show(state, before) {
    this.state = state;
    this.before = before;
    this.showMatrix();
    this.showTable();
  }

  matrix() {
    return this.layout?.find((m) => m.name === this.matrixSelect.value);
  }

  showMatrix() {
    const m = this.matrix();
    if (!m || !this.state?.data) return;
    this.heatmap.setData(this.state.data.subarray(m.offset, m.offset + m.rows * m.cols), m.rows, m.cols);
  }

  label(index) {
    const m = this.layout.find((x) => index >= x.offset && index < x.offset + x.rows * x.cols);
    const k = index - m.offset;
    return `${m.name}[${Math.floor(k / m.cols)}][${k % m.cols}]`;
  }

  // The script's update lines, with this step's numbers (the step count is 1-based here, as
  // `step + 1` is in the script's bias correction).
  numbers(i) {
    const s = this.state;
    const { beta1, beta2, eps_adam: eps } = this.hyper;
    const row = { data: s.data[i], grad: s.grad?.[i], m: s.m?.[i], v: s.v?.[i] };
    if (s.lr_t != null && s.step > 0 && row.m != null) {
      row.mHat = row.m / (1 - beta1 ** s.step);
      row.vHat = row.v / (1 - beta2 ** s.step);
      row.update = s.lr_t * row.mHat / (row.vHat ** 0.5 + eps);
      if (this.before) row.before = this.before[i];
    }
    return row;
  }

  // The table's rows are built when the picked parameters change; a new step only rewrites
  // their numbers, bars and checks in place (no nodes added or removed: a cheap frame).
  showTable() {
    if (!this.state?.data) return;
    const rows = this.selected.map((i) => ({ i, ...this.numbers(i) }));
    if (this.rowsFor !== this.selected) this.buildRows();
    const max = Object.fromEntries(COLUMNS.map((c) => [c.key, Math.max(1e-300, ...rows.map((r) => Math.abs(r[c.key] ?? 0)))]));
    rows.forEach((r, k) => {
      const view = this.rowViews[k];
      for (const [key, value] of Object.entries(rowData(r))) view.tr.dataset[key] = value;
      for (const key of ['before', 'update']) if (r[key] == null) delete view.tr.dataset[key];
      COLUMNS.forEach((c, j) => view.cells[j].show(r[c.key], max[c.key]));
      showCheck(view.check, r);
    });
    this.formula.textContent = this.state.step > 0
      ? `Step ${this.state.step}: m̂ = m / (1 − ${this.hyper.beta1}^${this.state.step}), v̂ = v / (1 − ${this.hyper.beta2}^${this.state.step}), `
        + `update = lr_t · m̂ / (√v̂ + ${this.hyper.eps_adam}) with lr_t = ${shortNumber(this.state.lr_t, 4)}: the script's update lines, applied to Python's numbers. `
        + this.gradNote(rows)
      : 'No step yet: m and v start at 0. Click a cell to add its parameter to the table.';
  }

  // A step record holds grad as backward() left it; after a checkpoint jump (or a step that did
  // not carry the parameters) the table shows the parameters as Python holds them now.
  gradNote(rows) {
    if (this.state.fromRecord) return 'grad is as backward() left it, before the update set it back to 0.';
    const zero = rows.every((r) => r.grad === 0);
    return `grad is what Python holds now${zero ? ' (0: the update set it back to 0 after using it)' : ''}, `
      + `not what backward() computed in step ${this.state.step}.`;
  }

  buildRows() {
    this.rowsFor = this.selected;
    const head = el('tr', null, [el('th', null, 'parameter'), ...COLUMNS.map((c) => el('th', null, c.label)), el('th', { title: 'data before this step − update = data after (what Python wrote)' }, 'check')]);
    this.rowViews = this.selected.map((i) => {
      const cells = COLUMNS.map((c) => new NumberCell(c));
      const check = el('td', 'tr-check', '–');
      const tr = el('tr', { dataset: { index: String(i) } }, [el('th', { scope: 'row' }, this.label(i)), ...cells.map((c) => c.td), check]);
      return { tr, cells, check };
    });
    this.table.replaceChildren(el('thead', null, head), el('tbody', null, this.rowViews.map((v) => v.tr)));
  }

  pick(cell) {
    const m = this.matrix();
    if (!cell || !m) return;
    const index = m.offset + cell.row * m.cols + cell.col;
    this.selected = [index, ...this.selected.filter((i) => i !== index)].slice(0, MAX_SELECTED);
    this.showTable();
  }

  hover(h) {
    const m = this.matrix();
    if (!h || !m || !this.state) { hideTooltip(); return; }
    const r = this.numbers(m.offset + h.row * m.cols + h.col);
    const box = this.canvas.getBoundingClientRect();
    const line = (k) => `${k} ${r[k] == null ? '–' : pyRepr(r[k])}`;
    showTooltip([`${m.name}[${h.row}][${h.col}]`, line('data'), line('grad'), line('m'), line('v'), 'click: add to the table'],
      h.clientX ?? box.right, h.clientY ?? box.top);
  }
}

function rowData(r) {
  const out = { index: String(r.i) };
  for (const k of ['data', 'before', 'update']) if (r[k] != null) out[k] = String(r[k]);
  return out;
}

// One number of the table, with a signed bar for the columns that have one.
class NumberCell {
  constructor(column) {
    this.column = column;
    this.td = el('td');
    this.text = el('span', 'tr-num');
    if (column.bar) {
      this.bar = el('span', `tr-bar flow-${column.flow}`);
      this.box = el('span', 'tr-bar-cell', [el('span', 'tr-bar-track', this.bar), this.text]);
    }
    this.td.append(this.box ?? this.text);
  }

  show(value, max) {
    const known = value != null;
    this.td.title = known ? pyRepr(value) : '';
    this.text.textContent = known ? shortNumber(value, 3) : '–';
    if (!this.bar) return;
    this.bar.hidden = !known;
    this.bar.classList.toggle('negative', known && value < 0);
    this.bar.style.width = known ? `${Math.round(50 * Math.abs(value) / max)}%` : '0';
  }
}

function showCheck(td, r) {
  if (r.before == null || r.update == null) { td.textContent = '–'; return; }
  const ok = Math.abs(r.before - r.update - r.data) <= 1e-12 * Math.max(1, Math.abs(r.data));
  const mark = td.firstElementChild ?? td.appendChild(el('span'));
  if (td.firstChild !== mark || td.childNodes.length > 1) td.replaceChildren(mark);
  mark.className = ok ? 'ok' : 'bad';
  mark.title = `${pyRepr(r.before)} − ${pyRepr(r.update)} = ${pyRepr(r.before - r.update)}; Python: ${pyRepr(r.data)}`;
  mark.textContent = ok ? '✓' : '✗';
}
