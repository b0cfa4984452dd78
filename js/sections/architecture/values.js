// Chapter 4: the numbers of one step, exactly as the trace recorded them. Each local the
// statement bound is shown as labelled cells, beside the value it replaced when it had one of the
// same kind (x before and after a norm); a list of vectors as one row per entry (one per position
// when it holds as many as the call has seen); a `return` statement's result. At the end, the
// loop body's distribution over the next token and its loss term; and the KV cache as it stands.
import { el } from '../../ui/dom.js';
import { chipForId } from '../../ui/token-chip.js';
import { tokenLabel } from '../../ui/vocab.js';
import { formatProb, renderProbBars } from '../../ui/prob-bars.js';
import { shortNumber } from '../../ui/short-number.js';
import { maxAbs, vectorCells, vectorRows } from '../../ui/vector-cells.js';
import { atPath, isNumbers, isRows, rowLists } from './steps.js';

const TOP = 8; // how many of the most likely next tokens the last step lists

function positionLabels(rows, trace, vocab) {
  const seen = trace.pos + 1;
  if (rows.length > seen) return rows.map((_, r) => String(r));
  return rows.map((_, t) => `pos ${t} ${tokenLabel(vocab, trace.tokens[t])}`);
}

function scalar(name, text) {
  return el('p', 'arch-scalar', [el('code', null, name), ` = ${text}`]);
}

// One bound local, `name`, and what it held before (or undefined).
function showVar(name, value, before, { trace, vocab, stored }) {
  if (typeof value === 'number')
    return scalar(name, before === undefined ? shortNumber(value) : `${shortNumber(value)} (was ${shortNumber(before)})`);
  if (Array.isArray(value) && !value.length) return scalar(name, '[] (an empty list)');
  if (isNumbers(value)) {
    const labels = value.length === vocab?.size ? value.map((_, i) => tokenLabel(vocab, i)) : null;
    if (isNumbers(before)) {
      const range = maxAbs(before, value);
      return el('div', 'arch-pair', [
        vectorCells(before, { label: `${name} before`, range, labels, className: 'before' }),
        vectorCells(value, { label: `${name} after`, range, labels, className: 'after' }),
      ]);
    }
    return vectorCells(value, { label: name, labels, className: 'after' });
  }
  if (isRows(value)) return vectorRows(value, { label: name, rowLabels: positionLabels(value, trace, vocab) });
  const lists = rowLists(value);
  if (lists.length) {
    // A list of lists of vectors (a cache per layer): the one this statement grew, else each.
    const grown = stored.filter((s) => s.name === name).map((s) => s.path);
    const shown = grown.length ? lists.filter((l) => grown.some((p) => p.join() === l.path.join())) : lists;
    return el(
      'div',
      'arch-lists',
      shown.map(({ path, rows }) => {
        const prior = atPath(before, path);
        const note = Array.isArray(prior) ? ` (had ${prior.length})` : '';
        return vectorRows(rows, { label: `${name}[${path.join('][')}]${note}`, rowLabels: positionLabels(rows, trace, vocab) });
      }),
    );
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return scalar(name, `a ${value.type ?? 'Python'} object`);
  return scalar(name, String(value));
}

export function renderValues(container, { step, info, trace }) {
  const vocab = info.vocab;
  const parts = Object.entries(step.changed).map(([name, value]) => {
    const node = showVar(name, value, step.before[name], { trace, vocab, stored: step.stored });
    node.dataset.var = name;
    return node;
  });
  if (isNumbers(step.returned)) {
    const labels = step.returned.length === vocab?.size ? step.returned.map((_, i) => tokenLabel(vocab, i)) : null;
    const node = vectorCells(step.returned, { label: 'returned', labels, className: 'after' });
    node.dataset.var = 'return';
    parts.push(node);
  }
  container.replaceChildren(...parts);
}

export function renderFinal(container, { info, trace }) {
  const vocab = info.vocab;
  if (!trace.probs) {
    container.replaceChildren();
    return;
  }
  const bars = el('div', 'arch-probs');
  renderProbBars(bars, {
    probs: trace.probs,
    vocab,
    marks: { target: trace.target_id },
    top: TOP,
    keep: trace.target_id != null ? [trace.target_id] : [],
  });
  const target = trace.target_id != null ? tokenLabel(vocab, trace.target_id) : null;
  const rank = 1 + Array.from(trace.probs).filter((p) => p > trace.target_prob).length;
  const where = rank <= TOP ? `ranked ${rank}` : `ranked ${rank} of ${trace.probs.length}, shown last`;
  const figures = [
    el('div', null, [
      el('dt', null, `${trace.probs_var}[target "${target}"]`),
      el('dd', { dataset: { value: String(trace.target_prob) } }, formatProb(trace.target_prob)),
    ]),
  ];
  if (trace.loss != null) {
    figures.push(
      el('div', null, [
        el('dt', null, trace.loss_var),
        el('dd', { className: 'loss', dataset: { value: String(trace.loss) } }, shortNumber(trace.loss)),
      ]),
    );
  }
  container.replaceChildren(
    el('div', 'arch-final', [
      el('p', 'arch-probs-caption', `The ${TOP} most likely next tokens; the target "${target}" is ${where}.`),
      bars,
      el('dl', 'arch-loss', figures),
    ]),
  );
}

// The KV cache after the step: per layer, the positions whose vectors are stored.
export function renderCache(container, { step, info, trace, stores }) {
  const layers = step.cache ?? [];
  if (!layers.length || layers.every((c) => c == null)) {
    container.replaceChildren(
      el(
        'p',
        'arch-kv-note',
        'No statement of this call stored a vector for later positions: the trace shows no list that grew by one of the vectors the model had just made.',
      ),
    );
    return;
  }
  const rows = layers.map((count, layer) =>
    el('div', { className: 'arch-kv-row', dataset: { layer: String(layer), count: String(count ?? '') } }, [
      el('span', 'arch-kv-label', `layer ${layer}`),
      ...Array.from({ length: count ?? 0 }, (_, t) => {
        const chip = chipForId(trace.tokens[t], info.vocab, { small: true, title: `position ${t}` });
        if (t === trace.pos) chip.classList.add('fresh');
        return chip;
      }),
      count ? null : el('span', 'arch-kv-empty', count === 0 ? 'empty' : 'no store seen'),
    ]),
  );
  const names = [...new Set(stores.flat().map((s) => s.name))];
  const numbers = stores.flat().reduce((sum, s) => sum + s.count * s.width, 0);
  const most = Math.max(...stores.flat().map((s) => s.count));
  const note = `Kept in ${names.join(' and ')}: the call at position ${trace.pos} adds this position's vectors to them; after it, each layer holds ${most} position${most === 1 ? '' : 's'} (${numbers} numbers in all).`;
  container.replaceChildren(...rows, el('p', 'arch-kv-note', note));
}
