// Chapter 5, change the picked head and watch the prediction. Three changes, each one the bridge's
// intervention done on the model's own frame while the script runs (never computed here):
//   scale     a slider multiplies the head's scores before its softmax, 0 (uniform) to 4 (peaked)
//   hard      all of the head's weight on one key (the key picked in the heatmap), for the picked query
//   knock out the head's weights set to 0, so its output is 0 at every position
// and "every head at once" applies the change to every layer and head. Shown for the picked query:
// the weights and the head's output before and after, the model's next-token probabilities with
// the unchanged ones as ghost bars, and (attention/effect.js) how much each probability moved.
import { el } from '../../ui/dom.js';
import { shortNumber } from '../../ui/short-number.js';
import { pyRepr } from '../../ui/py-number.js';
import { scrollCue } from '../../ui/scroll-cue.js';
import { formatProb, renderProbBars } from '../../ui/prob-bars.js';
import { renderEffect } from './effect.js';

const STEPS_PER_UNIT = 10;
const MAX_AMOUNT = 4;
const KINDS = [
  ['scale', 'Scale its scores'],
  ['hard', 'Hard attention: all weight on one key'],
  ['knockout', 'Knock the head out (output 0)'],
];

export class ScaleControl {
  constructor(container, { onChange }) {
    this.onChange = onChange;
    this.kindInputs = KINDS.map(([kind, text]) => {
      const input = el('input', { type: 'radio', name: 'at-change-kind', value: kind, checked: kind === 'scale' });
      input.addEventListener('change', () => this.changed());
      return el('label', { className: 'at-kind', dataset: { kind } }, [input, ` ${text}`]);
    });
    this.everyInput = el('input', { type: 'checkbox', className: 'at-every' });
    this.everyInput.addEventListener('change', () => this.changed());
    this.input = el('input', {
      type: 'range',
      min: 0,
      max: MAX_AMOUNT * STEPS_PER_UNIT,
      step: 1,
      value: STEPS_PER_UNIT,
      className: 'at-slider',
      'aria-label': "multiply the picked head's scores by",
    });
    this.readout = el('output', 'at-slider-value', '');
    const reset = el('button', { type: 'button', className: 'at-reset' }, 'reset');
    reset.addEventListener('click', () => {
      this.input.value = String(STEPS_PER_UNIT);
      this.changed();
    });
    this.input.addEventListener('input', () => this.changed());
    this.sliderRow = el('div', 'at-slider-row', [
      el('span', 'at-end', 'uniform'),
      this.input,
      el('span', 'at-end', 'peaked'),
      this.readout,
      reset,
    ]);
    this.keyNote = el('p', 'at-key-note', '');
    this.status = el('p', 'at-scale-status', '');
    this.effect = el('div', 'at-effect');
    this.body = el('div', 'at-scale-body');
    container.append(
      el('fieldset', 'at-kinds', [
        el('legend', null, 'Change'),
        ...this.kindInputs,
        el('label', 'at-every-label', [this.everyInput, ' every head at once (all layers)']),
      ]),
      this.sliderRow,
      this.keyNote,
      this.status,
      this.effect,
      this.body,
    );
    this.showAmount();
  }

  get amount() {
    return Number(this.input.value) / STEPS_PER_UNIT;
  }

  get kind() {
    return this.kindInputs.map((l) => l.querySelector('input')).find((i) => i.checked)?.value ?? 'scale';
  }

  get every() {
    return this.everyInput.checked;
  }

  // The bridge's intervention for the picked head, query and key; null: the script unchanged.
  intervention({ layer, head, query, key }) {
    const every = this.every;
    if (this.kind === 'hard') return { layer, head, kind: 'onehot', amount: 1, key, query, every };
    if (this.kind === 'knockout') return { layer, head, kind: 'zero', amount: 1, every };
    return this.amount === 1 ? null : { layer, head, kind: 'scale', amount: this.amount, every };
  }

  // What the change is, in words, for the sentences under the controls.
  describe({ head, layer, nLayer, key, labels }) {
    const which = this.every ? 'every head' : `${nLayer > 1 ? `layer ${layer}, ` : ''}head ${head}`;
    if (this.kind === 'hard') return `Putting all of ${which}'s weight on key ${key} (“${labels[key]}”)`;
    if (this.kind === 'knockout') return `Knocking out ${which}`;
    return `Multiplying ${which}'s scores by ${this.amount.toFixed(1)}`;
  }

  changed() {
    this.showAmount();
    this.onChange();
  }

  showAmount() {
    this.readout.textContent = `scores × ${this.amount.toFixed(1)}`;
    this.sliderRow.hidden = this.kind !== 'scale';
  }

  busy(text) {
    this.status.textContent = text;
  }

  // base/changed: the bridge's answers' head records for the picked query; probs before/after;
  // effect: the bridge's effect record for that query (null when nothing was changed).
  /** @param {{ baseRec: any, newRec: any, baseProbs: any, newProbs: any, labels: any, vocabLabels: any, target: any, query: any, key: any, names?: Record<string, string>, effect: any, what: any, every: any }} options */
  show({ baseRec, newRec, baseProbs, newProbs, labels, vocabLabels, target, query, key, names = {}, effect, what, every }) {
    this.status.textContent = '';
    this.keyNote.textContent =
      this.kind === 'hard'
        ? `Query ${query} (“${labels[query]}”) puts all its weight on key ${Math.min(key, query)} (“${labels[Math.min(key, query)]}”): click another cell of the heatmap to pick another key.`
        : '';
    this.keyNote.hidden = this.kind !== 'hard';
    const weightRow = (w, cls) =>
      w.map((x, t) =>
        el(
          'td',
          null,
          el('span', { className: `at-num ${cls}`, title: pyRepr(x), dataset: { key: String(t) } }, x === 0 ? '0' : formatProb(x)),
        ),
      );
    const weights = el('table', 'at-compare', [
      el('thead', null, el('tr', null, [el('th', null, 'key'), ...labels.slice(0, baseRec.weights.length).map((c) => el('th', null, c))])),
      el('tbody', null, [
        el('tr', null, [el('th', { scope: 'row' }, 'weights before'), ...weightRow(baseRec.weights, '')]),
        el('tr', null, [el('th', { scope: 'row' }, 'weights after'), ...weightRow(newRec.weights, 'at-after')]),
      ]),
    ]);
    const outRow = (v, cls) =>
      v.map((x) => el('td', null, el('span', { className: `at-num ${cls}`, title: pyRepr(x) }, shortNumber(x, 3))));
    const outputs = el('table', 'at-compare', [
      el(
        'thead',
        null,
        el('tr', null, [el('th', null, `${names.out ?? 'out'}[j]`), ...baseRec.out.map((_, j) => el('th', null, String(j)))]),
      ),
      el('tbody', null, [
        el('tr', null, [el('th', { scope: 'row' }, 'before'), ...outRow(baseRec.out, '')]),
        el('tr', null, [el('th', { scope: 'row' }, 'after'), ...outRow(newRec.out, 'at-after')]),
      ]),
    ]);
    const probs = el('div', 'at-probs');
    renderProbBars(probs, {
      probs: newProbs,
      compare: baseProbs,
      labels: vocabLabels,
      top: 8,
      marks: { target },
      caption: `Next token after reading "${labels[query]}" (position ${query}): bars with the change, thin ghost bars without.`,
    });
    renderEffect(this.effect, { effect, what, every, after: labels[query], vocabLabels });
    this.body.replaceChildren(scrollCue(el('div', 'at-scale-tables', [weights, outputs])), probs);
  }
}
