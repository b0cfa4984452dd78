// The schematic of the model's weight matrices: one rectangle per matrix, its sides in
// proportion to its rows and columns (one scale for all, so areas compare), grouped as the
// forward pass meets them and coloured by component. The rectangles are buttons: hover or
// focus shows a matrix, click or Enter opens the zoom.
//
//   const schematic = new Schematic(container, { onShow(matrix), onOpen(matrix, button) });
//   schematic.setMatrices(matrices);   // data changed (describeMatrices + groupMatrices)
//   schematic.select(name);            // view changed: mark the matrix being shown
import { COMPONENTS, groupMatrices, tiedOutput } from './matrices.js';

const LONGEST_SIDE_PX = 192; // the largest matrix's longer side; everything else scales with it
const MAX_PX_PER_CELL = 4;
const MIN_SIDE_PX = 6; // so a tiny matrix stays a target for the mouse

export class Schematic {
  constructor(container, { onShow, onOpen }) {
    this.onShow = onShow;
    this.onOpen = onOpen;
    this.root = document.createElement('div');
    this.root.className = 'pm-schematic';
    this.groups = document.createElement('div');
    this.groups.className = 'pm-groups';
    this.legend = document.createElement('div');
    this.legend.className = 'pm-legend';
    this.root.append(this.groups, this.legend);
    container.append(this.root);
    this.buttons = new Map(); // matrix name -> its button
  }

  setMatrices(matrices) {
    const longest = Math.max(1, ...matrices.map((m) => Math.max(m.rows, m.cols)));
    const px = Math.min(MAX_PX_PER_CELL, LONGEST_SIDE_PX / longest);
    this.buttons.clear();
    const groups = groupMatrices(matrices).map((group) => this.groupElement(group, px));
    const tied = tiedOutput(matrices);
    if (tied && !matrices.some((m) => m.component.key === 'output')) groups.push(this.tiedElement(tied));
    this.groups.replaceChildren(...groups);
    this.renderLegend(matrices, px);
  }

  groupElement(group, px) {
    const el = document.createElement('div');
    el.className = 'pm-group';
    el.dataset.group = group.key;
    const title = document.createElement('div');
    title.className = 'pm-group-title';
    title.textContent = group.title;
    const parts = document.createElement('div');
    parts.className = 'pm-parts';
    for (const part of group.parts) {
      const partEl = document.createElement('div');
      partEl.className = `pm-part flow-${part.component.flow}`;
      if (group.parts.length > 1 || group.key !== part.component.key) {
        const label = document.createElement('div');
        label.className = 'pm-part-title';
        label.textContent = part.component.label;
        partEl.append(label);
      }
      const items = document.createElement('div');
      items.className = 'pm-items';
      items.append(...part.items.map((m) => this.matrixElement(m, px)));
      partEl.append(items);
      parts.append(partEl);
    }
    el.append(title, parts);
    return el;
  }

  matrixElement(m, px) {
    const figure = document.createElement('figure');
    figure.className = 'pm-item';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `pm-matrix flow-${m.component.flow}`;
    button.dataset.name = m.name;
    button.style.width = `${Math.max(MIN_SIDE_PX, Math.round(m.cols * px))}px`;
    button.style.height = `${Math.max(MIN_SIDE_PX, Math.round(m.rows * px))}px`;
    button.setAttribute('aria-label', `${m.name}: ${m.rows} by ${m.cols}, ${m.component.label}. Open a zoomed view.`);
    button.title = m.name;
    button.addEventListener('pointerenter', () => this.onShow(m));
    button.addEventListener('focus', () => this.onShow(m));
    button.addEventListener('click', () => this.onOpen(m, button));
    const caption = document.createElement('figcaption');
    const short = document.createElement('span');
    short.className = 'pm-short';
    short.textContent = m.short;
    const shape = document.createElement('span');
    shape.className = 'pm-shape';
    shape.textContent = `${m.rows}×${m.cols}`;
    caption.append(short, shape);
    figure.append(button, caption);
    this.buttons.set(m.name, button);
    return figure;
  }

  // Tied weights: the output has no matrix of its own; its place says which one it reuses.
  tiedElement(m) {
    const el = document.createElement('div');
    el.className = 'pm-group pm-tied';
    el.dataset.group = 'output';
    const title = document.createElement('div');
    title.className = 'pm-group-title';
    title.textContent = 'output';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'pm-tied-ref flow-loss';
    button.dataset.name = m.name;
    button.textContent = `= ${m.name}`;
    button.title = `The scores are made with ${m.name} itself (tied weights): no matrix of their own`;
    button.addEventListener('pointerenter', () => this.onShow(m));
    button.addEventListener('focus', () => this.onShow(m));
    button.addEventListener('click', () => this.onOpen(m, button));
    const note = document.createElement('p');
    note.className = 'pm-tied-note';
    note.textContent = 'tied: the token table again';
    el.append(title, button, note);
    return el;
  }

  renderLegend(matrices, px) {
    const present = new Set(matrices.map((m) => m.component.key));
    if (tiedOutput(matrices)) present.add('output');
    const chips = COMPONENTS.filter((c) => present.has(c.key)).map((c) => {
      const chip = document.createElement('span');
      chip.className = `pm-chip flow-${c.flow}`;
      const swatch = document.createElement('span');
      swatch.className = 'pm-swatch';
      swatch.setAttribute('aria-hidden', 'true');
      const label = document.createElement('b');
      label.textContent = c.label;
      const rule = document.createElement('span');
      rule.className = 'pm-rule';
      rule.textContent = c.rule;
      chip.append(swatch, label, rule);
      return chip;
    });
    const note = document.createElement('span');
    note.className = 'pm-scale-note';
    note.textContent = `1 row or column = ${formatPx(px)} px, so each area is its number of parameters. Hover a matrix to see it; click to zoom in.`;
    this.legend.replaceChildren(...chips, note);
  }

  select(name) {
    for (const [key, button] of this.buttons) button.classList.toggle('selected', key === name);
  }
}

function formatPx(px) {
  return Number.isInteger(px) ? String(px) : px.toFixed(1);
}
