// Chapter 5, flatten or sharpen one head: a slider multiplies the head's scores before the
// softmax (the bridge's `scale` intervention, done on the model's own frame while the script runs),
// from 0 (uniform weights) through 1 (unchanged) to 4 (close to a hard choice). Shown for the
// picked query: the weights before and after, the head's output before and after, and the
// model's next-token probabilities after, with the unchanged ones as ghost bars.
import { el } from '../ui/dom.js';
import { shortNumber } from '../ui/short-number.js';
import { pyRepr } from '../ui/py-number.js';
import { scrollCue } from '../ui/scroll-cue.js';
import { formatProb, renderProbBars } from '../ui/prob-bars.js';

const STEPS_PER_UNIT = 10;
const MAX_AMOUNT = 4;

export class ScaleControl {
  constructor(container, { onChange }) {
    this.input = el('input', { type: 'range', min: 0, max: MAX_AMOUNT * STEPS_PER_UNIT, step: 1, value: STEPS_PER_UNIT, className: 'at-slider', 'aria-label': 'multiply the picked head\'s scores by' });
    this.readout = el('output', 'at-slider-value', '');
    const reset = el('button', { type: 'button', className: 'at-reset' }, 'reset');
    reset.addEventListener('click', () => { this.input.value = String(STEPS_PER_UNIT); this.changed(); });
    this.input.addEventListener('input', () => this.changed());
    this.onChange = onChange;
    this.status = el('p', 'at-scale-status', '');
    this.body = el('div', 'at-scale-body');
    container.append(
      el('div', 'at-slider-row', [el('span', 'at-end', 'uniform'), this.input, el('span', 'at-end', 'peaked'), this.readout, reset]),
      this.status, this.body,
    );
    this.showAmount();
  }

  get amount() { return Number(this.input.value) / STEPS_PER_UNIT; }

  changed() {
    this.showAmount();
    this.onChange(this.amount);
  }

  showAmount() {
    this.readout.textContent = `scores × ${this.amount.toFixed(1)}`;
  }

  busy(text) { this.status.textContent = text; }

  // base/changed: the bridge's answers' head records for the picked query; probs before/after.
  show({ baseRec, newRec, baseProbs, newProbs, labels, vocabLabels, target, query, names = {} }) {
    this.status.textContent = '';
    const weightRow = (w, cls) => w.map((x, t) => el('td', null, el('span', { className: `at-num ${cls}`, title: pyRepr(x), dataset: { key: String(t) } }, formatProb(x))));
    const weights = el('table', 'at-compare', [
      el('thead', null, el('tr', null, [el('th', null, 'key'), ...labels.slice(0, baseRec.weights.length).map((c) => el('th', null, c))])),
      el('tbody', null, [
        el('tr', null, [el('th', { scope: 'row' }, 'weights before'), ...weightRow(baseRec.weights, '')]),
        el('tr', null, [el('th', { scope: 'row' }, 'weights after'), ...weightRow(newRec.weights, 'at-after')]),
      ]),
    ]);
    const outRow = (v, cls) => v.map((x) => el('td', null, el('span', { className: `at-num ${cls}`, title: pyRepr(x) }, shortNumber(x, 3))));
    const outputs = el('table', 'at-compare', [
      el('thead', null, el('tr', null, [el('th', null, `${names.out ?? 'out'}[j]`), ...baseRec.out.map((_, j) => el('th', null, String(j)))])),
      el('tbody', null, [
        el('tr', null, [el('th', { scope: 'row' }, 'before'), ...outRow(baseRec.out, '')]),
        el('tr', null, [el('th', { scope: 'row' }, 'after'), ...outRow(newRec.out, 'at-after')]),
      ]),
    ]);
    const probs = el('div', 'at-probs');
    renderProbBars(probs, {
      probs: newProbs, compare: baseProbs, labels: vocabLabels, top: 8, marks: { target },
      caption: `Next token after reading "${labels[query]}" (position ${query}): bars with the change, thin ghost bars without.`,
    });
    this.body.replaceChildren(
      scrollCue(el('div', 'at-scale-tables', [weights, outputs])),
      probs,
    );
  }
}
