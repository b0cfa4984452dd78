// The panel under the schematic: the matrix last hovered or focused, with its name, shape,
// purpose and a heatmap of its current values (they follow training). A cell's value shows in
// the page tooltip; the zoom button opens the large view.
//
//   const inspector = new Inspector(container, { onOpen(matrix, button) });
//   inspector.show(matrix, values);   // another matrix, or new values for the same one
import { Heatmap } from '../../ui/heatmap.js';
import { shortNumber } from '../../ui/short-number.js';
import { hideTooltip, showTooltip } from '../../ui/tooltip.js';
import { codeSpans } from './text.js';

export class Inspector {
  constructor(container, { onOpen }) {
    this.matrix = null;
    this.root = document.createElement('div');
    this.root.className = 'pm-inspector';
    this.text = document.createElement('div');
    this.text.className = 'pm-inspector-text';
    this.header = document.createElement('div');
    this.stats = document.createElement('p');
    this.stats.className = 'pm-stats';
    this.zoomButton = document.createElement('button');
    this.zoomButton.type = 'button';
    this.zoomButton.className = 'pm-zoom-button';
    this.zoomButton.textContent = 'Zoom in';
    this.zoomButton.addEventListener('click', () => this.matrix && onOpen(this.matrix, this.zoomButton));
    this.text.append(this.header, this.stats, this.zoomButton);
    const figure = document.createElement('div');
    figure.className = 'pm-inspector-map';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    figure.append(this.canvas);
    this.heatmap = new Heatmap(this.canvas, {
      maxWidth: 420,
      maxHeight: 280,
      maxCell: 14,
      legend: figure,
      onHover: (cell) => this.hover(cell),
    });
    this.root.append(this.text, figure);
    container.append(this.root);
  }

  show(matrix, values) {
    const changed = matrix !== this.matrix;
    this.matrix = matrix;
    this.root.dataset.matrix = matrix.name;
    this.root.style.setProperty('--pm-flow', `var(--flow-${matrix.component.flow}, var(--text-dim))`);
    if (changed) this.header.replaceChildren(matrixHeader(matrix));
    this.canvas.setAttribute('aria-label', `Heatmap of ${matrix.name}: ${matrix.rows} rows by ${matrix.cols} columns`);
    this.heatmap.setData(values, matrix.rows, matrix.cols, { rowLabels: matrix.rowLabels });
    this.stats.replaceChildren(...statLine(values, matrix.size));
  }

  hover(cell) {
    if (!cell || !this.matrix) {
      hideTooltip();
      return;
    }
    const label = this.matrix.rowLabels?.[cell.row];
    showTooltip(
      [`${this.matrix.name}[${cell.row}][${cell.col}]${label ? `  (${label})` : ''}`, `value ${shortNumber(cell.value)}`],
      cell.clientX,
      cell.clientY,
    );
  }
}

// Name, component, shape and purpose: shared by the inspector and the zoom (whose dialog title
// already names the matrix, hence `withName`).
export function matrixHeader(m, { withName = true } = {}) {
  const block = document.createElement('div');
  block.className = 'pm-header';
  const title = document.createElement('div');
  title.className = 'pm-title';
  if (withName) {
    const name = document.createElement('code');
    name.className = 'pm-name';
    name.textContent = m.name;
    title.append(name);
  }
  const chip = document.createElement('span');
  chip.className = `pm-component flow-${m.component.flow}`;
  chip.textContent = m.component.label;
  title.append(chip);
  if (m.roles?.includes('output') && m.component.key !== 'output') {
    const also = document.createElement('span');
    also.className = 'pm-component flow-loss';
    also.textContent = 'output';
    title.append(also);
  }
  if (m.aliases?.length) {
    const alias = document.createElement('span');
    alias.className = 'pm-alias';
    alias.textContent = `also ${m.aliases.join(', ')}`;
    title.append(alias);
  }
  const shape = document.createElement('p');
  shape.className = 'pm-shape-line';
  // Each fact stays on one line; a narrow box wraps between them.
  const facts = [`${m.rows} × ${m.cols} = ${m.size} parameters`, `rows: ${m.axes[0]}`, `columns: ${m.axes[1]}`];
  facts.forEach((text, i) => {
    const span = document.createElement('span');
    span.textContent = text;
    shape.append(...(i ? [' · ', span] : [span]));
  });
  const purpose = document.createElement('p');
  purpose.className = 'pm-purpose';
  purpose.append(...codeSpans(m.purpose));
  block.append(title, shape, purpose);
  return block;
}

// "smallest −0.231 · largest 0.262 · mean |w| 0.0641": a summary of numbers from Python.
function statLine(values, n) {
  let min = Infinity;
  let max = -Infinity;
  let absSum = 0;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
    absSum += Math.abs(values[i]);
  }
  const parts = [
    ['smallest', min],
    ['largest', max],
    ['mean |w|', n ? absSum / n : 0],
  ];
  return parts.map(([label, value]) => {
    const span = document.createElement('span');
    const b = document.createElement('b');
    b.textContent = shortNumber(value, 3);
    span.append(`${label} `, b);
    return span;
  });
}
