// What differs between the picked runs, as numbers: one column per run. The parameter count is
// the load's, the losses and step times the step records', the samples drawn from each run's
// model by the script's own sampling loop with one seed and temperature for all
// (ctx.runs.sampleWith): the names differ only by the model.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { shortNumber } from '../../ui/short-number.js';
import { movingAverage, AVERAGE_OVER } from '../training/curves.js';

export const SAMPLE = { seed: 42, temperature: 0.5, count: 5 };

export class DifferenceTable {
  /** @param {{onSample: () => void}} options */
  constructor({ onSample }) {
    this.sampleButton = el('button', { type: 'button', className: 'rn-sample' }, `Draw ${SAMPLE.count} names from each`);
    this.sampleButton.addEventListener('click', onSample);
    this.card = liveCard({ title: 'Side by side', className: 'rn-table-card', action: this.sampleButton });
    this.table = el('table', 'rn-table');
    this.scroll = el(
      'div',
      { className: 'rn-table-scroll', tabindex: 0, role: 'region', 'aria-label': 'The compared runs, side by side' },
      this.table,
    );
    this.card.body.append(this.scroll);
    this.samples = new Map(); // run id -> {step, names} | {error}
  }

  get root() {
    return this.card.root;
  }

  // runs: [{run, slot}] in the order picked.
  show(runs) {
    this.runs = runs;
    const all = runs.map(({ run }) => run);
    const common = Math.min(...all.map((r) => r.history.steps.at(-1) ?? 0)); // the last step every run has done
    const at = (run, pick) => {
      const i = run.history.steps.indexOf(common);
      return i < 0 ? '–' : pick(i);
    };
    /** @type {[string, (run: any) => any][]} */
    const rows = [
      ['Parameters', (r) => (r.numParams == null ? '–' : r.numParams.toLocaleString('en-US'))],
      ['Data set', (r) => r.dataset.filename ?? (r.dataset.key?.startsWith('built-in') ? 'the built-in names' : 'opened by the learner')],
      ['Steps done', (r) => String(r.step)],
      [`Loss at step ${common}`, (r) => at(r, (i) => shortNumber(r.history.losses[i], 4))],
      [
        `Average loss, steps ${Math.max(1, common - AVERAGE_OVER + 1)}–${common}`,
        (r) => at(r, (i) => shortNumber(movingAverage(r.history.losses, AVERAGE_OVER)[i], 4)),
      ],
      ['Step time (median)', (r) => medianMs(r.history.ms)],
      [`Samples (seed ${SAMPLE.seed}, temperature ${SAMPLE.temperature})`, (r) => this.sampleCell(r)],
    ];
    const head = el('tr', null, [
      el('th', { scope: 'col' }, 'Run'),
      ...runs.map(({ run, slot }) => el('th', { scope: 'col', dataset: { slot: String(slot + 1) } }, run.label)),
    ]);
    this.table.replaceChildren(
      el('thead', null, head),
      el(
        'tbody',
        null,
        rows.map(([name, cell]) => el('tr', null, [el('th', { scope: 'row' }, name), ...all.map((r) => el('td', null, cell(r)))])),
      ),
    );
    this.table.dataset.common = String(common);
  }

  sampleCell(run) {
    const got = this.samples.get(run.id);
    if (!got) return 'not drawn yet';
    if (got.pending) return 'drawing…';
    if (got.error) return `could not draw: ${got.error}`;
    const stale = got.step !== run.step ? ` (at step ${got.step})` : '';
    return el('span', 'rn-names', [got.names.join(', '), stale]);
  }

  setSample(id, value) {
    this.samples.set(id, value);
    if (this.runs) this.show(this.runs);
  }

  setBusy(busy) {
    this.sampleButton.disabled = busy;
  }
}

// The middle step time in ms ("–" with none timed): one slow step (a garbage collection) does not move it.
function medianMs(ms) {
  const times = ms.filter((t) => t != null).sort((a, b) => a - b);
  if (!times.length) return '–';
  const mid = times.length >> 1;
  const m = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return `${shortNumber(m, 3)} ms`;
}
