// The running parameter count: one bar split by component in proportion to its share, each
// part's count, and the total, the bridge's count of the parameters the script's update loop
// walks (info.params.count).
//
//   renderCount(container, matrices, count)   // data changed
import { breakdown } from './matrices.js';

export function renderCount(container, matrices, count) {
  const parts = breakdown(matrices);
  const inMatrices = parts.reduce((sum, p) => sum + p.count, 0);
  const root = document.createElement('div');
  root.className = 'pm-count';

  const bar = document.createElement('div');
  bar.className = 'pm-count-bar';
  bar.setAttribute('aria-hidden', 'true');
  for (const { component, count: n } of parts) {
    const segment = document.createElement('span');
    segment.className = `pm-count-segment flow-${component.flow}`;
    segment.style.flexGrow = String(n);
    bar.append(segment);
  }

  const list = document.createElement('dl');
  list.className = 'pm-count-parts';
  for (const { component, count: n } of parts) {
    const item = document.createElement('div');
    item.className = `pm-count-part flow-${component.flow}`;
    item.dataset.component = component.key;
    const dt = document.createElement('dt');
    dt.textContent = component.label;
    const dd = document.createElement('dd');
    dd.textContent = String(n);
    const share = document.createElement('span');
    share.className = 'pm-count-share';
    share.textContent = `${Math.round((100 * n) / Math.max(1, inMatrices))}%`;
    dd.append(share);
    item.append(dt, dd);
    list.append(item);
  }
  const total = document.createElement('div');
  total.className = 'pm-count-total';
  const dt = document.createElement('dt');
  dt.textContent = 'total';
  dt.title = "every number the script's update loop changes";
  const dd = document.createElement('dd');
  dd.dataset.total = String(count);
  dd.textContent = String(count);
  total.append(dt, dd);
  list.append(total);
  root.append(bar, list);

  if (inMatrices !== count) {
    // The update loop walks more (or fewer) numbers than the matrices found hold.
    const note = document.createElement('p');
    note.className = 'source-note';
    note.textContent = `The matrices drawn hold ${inMatrices} numbers, but the script's update loop changes ${count}: some parameters are not in a matrix the bridge could lay out.`;
    root.append(note);
  }
  container.replaceChildren(root);
}
