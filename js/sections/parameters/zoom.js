// The zoomed view of one weight matrix: a large heatmap with its colour scale, and a readout of
// the cell under the pointer (or the keyboard cursor): its value and, once training has run,
// its gradient and Adam's m and v. The numbers are shown exactly as Python holds them.
//
//   const zoom = new MatrixZoom();
//   zoom.open(matrix, state, trigger);  // state: {data, grad, m, v, trained} from `params`
//   zoom.refresh(state);                // new values (after a training step)
import { Heatmap } from '../../ui/heatmap.js';
import { Modal } from '../../ui/modal.js';
import { pyRepr } from '../../ui/py-number.js';
import { matrixHeader } from './inspector.js';

export class MatrixZoom {
  constructor() {
    this.matrix = null;
    this.state = null;
    this.cell = null;
    this.modal = new Modal({
      className: 'pm-zoom pm-scope',
      onClose: () => {
        this.matrix = null;
      },
    });
    const body = this.modal.body;
    this.header = document.createElement('div');
    const layout = document.createElement('div');
    layout.className = 'pm-zoom-layout';
    const figure = document.createElement('div');
    figure.className = 'pm-zoom-map';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    figure.append(this.canvas);
    this.heatmap = new Heatmap(this.canvas, {
      maxWidth: 900,
      maxHeight: 560,
      maxCell: 30,
      labels: true,
      keyboard: true,
      legend: figure,
      onHover: (cell) => this.pointAt(cell),
    });
    this.readout = document.createElement('aside');
    this.readout.className = 'pm-readout';
    this.readout.setAttribute('aria-live', 'polite');
    layout.append(figure, this.readout);
    body.append(this.header, layout);
  }

  get isOpen() {
    return this.modal.isOpen;
  }

  open(matrix, state, trigger) {
    this.matrix = matrix;
    this.cell = null;
    this.modal.setTitle(matrix.name);
    this.header.replaceChildren(matrixHeader(matrix, { withName: false }));
    this.canvas.setAttribute(
      'aria-label',
      `Heatmap of ${matrix.name}, ${matrix.rows} rows by ${matrix.cols} columns; arrow keys move between cells`,
    );
    // The map's box follows the window, so a tall or wide matrix fits without scrolling the
    // dialog (the readout beside it takes about 420 px).
    this.heatmap.opts.maxHeight = Math.max(220, Math.min(560, window.innerHeight - 330));
    this.heatmap.opts.maxWidth = Math.max(260, Math.min(900, window.innerWidth * 0.94 - 420));
    this.refresh(state);
    this.modal.open(trigger, this.canvas);
  }

  close() {
    this.modal.close();
  }

  refresh(state) {
    this.state = state;
    if (!this.matrix || !state) return;
    const { offset, size, rows, cols, rowLabels } = this.matrix;
    this.heatmap.setData(state.data.subarray(offset, offset + size), rows, cols, { rowLabels });
    if (this.cell) this.cell = { ...this.cell, value: this.heatmap.value(this.cell.row, this.cell.col) };
    this.renderReadout();
  }

  // The readout keeps the last cell when the pointer leaves the map, so it can be copied.
  pointAt(cell) {
    if (!cell || (cell.row === this.cell?.row && cell.col === this.cell?.col)) return;
    this.cell = cell;
    this.renderReadout();
  }

  renderReadout() {
    const m = this.matrix;
    if (!m) return;
    if (!this.cell) {
      const hint = document.createElement('p');
      hint.className = 'pm-readout-hint';
      hint.textContent = 'Point at a cell to read its number, or use the arrow keys.';
      this.readout.replaceChildren(hint, this.trainingNote());
      return;
    }
    const { row, col } = this.cell;
    const index = m.offset + row * m.cols + col; // its place in the flat parameter list
    const label = m.rowLabels?.[row];
    const where = document.createElement('p');
    where.className = 'pm-readout-where';
    where.textContent = `row ${row}${label ? ` (${label})` : ''}, column ${col} · parameter ${index} of the flat list`;
    const expr = `${m.name}[${row}][${col}]`;
    const rows = [[`${expr}.data`, this.state.data[index], 'data']];
    if (this.state.trained) {
      // The optimizer's moments by the script's own names (info.roles.moments), in its order.
      const [first, second] = this.state.moments ?? [];
      rows.push([`${expr}.grad`, this.state.grad[index], 'grad']);
      if (first) rows.push([`${first}[${index}]`, this.state.m[index], 'm']);
      if (second) rows.push([`${second}[${index}]`, this.state.v[index], 'v']);
    }
    const list = document.createElement('dl');
    list.className = 'pm-readout-values';
    for (const [name, value, key] of rows) {
      const item = document.createElement('div');
      item.dataset.key = key;
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = pyRepr(value);
      dd.dataset.value = String(value);
      item.append(dt, dd);
      list.append(item);
    }
    this.readout.replaceChildren(where, list, this.trainingNote());
  }

  // Why grad and the moments are missing, or why grad reads 0 after a step.
  trainingNote() {
    const note = document.createElement('p');
    note.className = 'pm-readout-note';
    const names = (this.state?.moments ?? []).join(' and ') || "the optimizer's moments";
    if (!this.state?.trained) {
      note.textContent = `Before training, every gradient and every number of ${names} is 0, so only the value is shown. After a training step (chapter 6), they appear here too.`;
    } else if (this.state.gradsCleared) {
      note.textContent = `grad reads 0 between steps: every gradient is 0 now, so the script's update set them back once it had used them. ${names} keep their running averages.`;
    } else {
      note.textContent = `${names}: the optimizer's running averages of the gradient and of its square.`;
    }
    return note;
  }
}
