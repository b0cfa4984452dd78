// A vector from Python as a grid of labelled cells: each number's index above it, its value
// (short form; Python's repr in the tooltip and in data-value) on a diverging colour scale
// centred at 0 (the heatmap's colours), so sign and size read at a glance. Long vectors scroll
// inside the grid rather than stretching the page.
//
//   vectorCells(values, { label: 'x after', range: 2.5, labels: ['a', 'b', ...] })
//   vectorRows(rows, { label: 'k_h', rowLabels: ['pos 0', ...] })   // a list of vectors
import { el } from './dom.js';
import { pyRepr } from './py-number.js';
import { shortNumber } from './short-number.js';
import { cellInk } from './cell-ink.js';

export function maxAbs(...vectors) {
  let max = 0;
  for (const v of vectors) for (const x of flat(v)) if (Number.isFinite(x)) max = Math.max(max, Math.abs(x));
  return max;
}

/** @param {any} v @returns {number[]} */
function flat(v) {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) return typeof v === 'number' ? [v] : [];
  return Array.from(/** @type {ArrayLike<any>} */ (v)).flatMap(flat);
}

function cell(value, index, range, label) {
  const t = range > 0 && Number.isFinite(value) ? Math.min(1, Math.abs(value) / range) : 0;
  const node = el(
    'span',
    {
      className: 'vc-cell',
      title: `[${index}] = ${pyRepr(value)}`,
      dataset: { index: String(index), value: pyRepr(value) },
    },
    [el('span', 'vc-index', label ?? String(index)), el('span', 'vc-value', shortNumber(value, 3))],
  );
  // The cell's fill mixes the zero colour with the sign's colour in proportion to |value|.
  const mix = Math.round(t * 100);
  node.style.setProperty('--vc-mix', `${mix}%`);
  const sign = value < 0 ? 'neg' : 'pos';
  node.classList.add(sign);
  if (cellInk(mix / 100, sign) === 'dark') node.classList.add('ink-dark'); // AA contrast on a bright fill
  return node;
}

/** @param {ArrayLike<number>} values @param {{label?: string, range?: number, labels?: string[] | null, className?: string}} [options] */
export function vectorCells(values, { label, range = maxAbs(values), labels = null, className = '' } = {}) {
  const grid = el(
    'div',
    'vc-grid',
    Array.from(values, (v, i) => cell(v, i, range, labels?.[i])),
  );
  return el('div', { className: `vc ${className}`.trim(), dataset: { size: String(values.length) } }, [
    label ? el('div', 'vc-label', [label, el('span', 'vc-size', ` · ${values.length} numbers`)]) : null,
    grid,
  ]);
}

// A list of vectors (e.g. one per cached position), one labelled row each.
/** @param {ArrayLike<number>[]} rows @param {{label?: string, rowLabels?: string[], range?: number}} [options] */
export function vectorRows(rows, { label, rowLabels = [], range = maxAbs(rows) } = {}) {
  const body = el(
    'div',
    'vc-rows',
    rows.map((row, r) =>
      el('div', 'vc-row', [
        el('span', 'vc-row-label', rowLabels[r] ?? String(r)),
        el(
          'div',
          'vc-grid',
          Array.from(row, (v, i) => cell(v, i, range)),
        ),
      ]),
    ),
  );
  return el('div', { className: 'vc', dataset: { size: String(rows.length) } }, [
    label ? el('div', 'vc-label', [label, el('span', 'vc-size', ` · ${rows.length} × ${rows[0]?.length ?? 0}`)]) : null,
    body,
  ]);
}
