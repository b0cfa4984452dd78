// Chapter 6: the document of the last step as (input -> target) pairs with the loss of each
// pair, and that step's time in forward, backward and the Adam update. Clicking a phase (or a
// step arriving while training runs) marks its lines in the code panel.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { chipForId } from '../ui/token-chip.js';
import { shortNumber } from '../ui/short-number.js';

const PHASES = [
  { key: 't_forward', phase: 'train.forward', label: 'forward' },
  { key: 't_backward', phase: 'train.backward', label: 'backward' },
  { key: 't_update', phase: 'train.update', label: 'Adam update' },
];
export const ALL_PHASES = PHASES.map((p) => p.phase);

export class TrainingDoc {
  constructor({ onPhase }) {
    this.onPhase = onPhase;
    this.card = liveCard({
      title: 'This step\'s document',
      help: ['pair', 'at each position the model sees the input token (and the ones before it) and is scored on the target, the next token'],
      className: 'tr-doc-card',
    });
    this.heading = el('p', 'live-card-note');
    this.pairs = el('div', 'tr-pairs');
    this.phases = el('div', { className: 'tr-phases', role: 'group', 'aria-label': 'Time of each part of the last step' });
    const note = el('p', 'live-card-note tr-phases-note', 'Click a part to see its lines. While training runs, the code '
      + 'panel marks forward, backward and the update in turn, on the last step\'s timings (the worker reports a step '
      + 'once it is done).');
    this.card.body.append(this.heading, this.pairs, this.phases, note);
    this.replay = 0;
  }

  show(record, { uchars, BOS, step: stepsDone = 0 }) {
    if (!record) {
      // No record but steps done: the model came from a checkpoint (training-jump.js).
      this.heading.textContent = stepsDone > 0
        ? `Steps 1–${stepsDone} came from a checkpoint: press "Train 1 step" to run step ${stepsDone + 1} here and see its document.`
        : 'No step has run yet: press "Train 1 step".';
      this.pairs.replaceChildren();
      this.showPhases(null);
      return;
    }
    const { doc, tokens = [], n = 0, losses = [], loss, step } = record;
    this.heading.textContent = `Step ${step}: "${doc ?? ''}" — ${n} pairs, loss ${shortNumber(loss, 5)} = the mean of the ${n} losses below.`;
    const worst = Math.max(...losses.filter(Number.isFinite), 1e-9);
    const columns = [];
    for (let pos = 0; pos < n; pos++) {
      const l = losses[pos];
      const bar = el('span', 'tr-pair-bar');
      bar.style.height = `${Math.round(36 * (Number.isFinite(l) ? l / worst : 0))}px`;
      columns.push(el('div', { className: 'tr-pair', dataset: { pos: String(pos), loss: String(l) } }, [
        chipForId(tokens[pos], { uchars, BOS }, { small: true, title: `input at position ${pos}` }),
        el('span', 'tr-arrow', '↓'),
        chipForId(tokens[pos + 1], { uchars, BOS }, { small: true, title: `target at position ${pos}` }),
        el('span', 'tr-pair-bar-box', bar),
        el('span', { className: 'tr-pair-loss', title: `-log(p) of the target at position ${pos}: ${l}` }, shortNumber(l, 3)),
      ]));
    }
    this.pairs.replaceChildren(...columns);
    this.showPhases(record);
  }

  showPhases(record) {
    const total = record ? PHASES.reduce((s, p) => s + (record[p.key] ?? 0), 0) : 0;
    this.phases.replaceChildren(el('span', 'tr-phases-label', 'last step:'), ...PHASES.map((p) => {
      const ms = record ? (record[p.key] ?? 0) * 1000 : null;
      const b = el('button', { type: 'button', className: 'tr-phase', dataset: { phase: p.phase }, title: `Show the ${p.label} lines` },
        [el('span', 'tr-phase-name', p.label), el('span', 'tr-phase-ms', ms == null ? '–' : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`)]);
      b.style.flexGrow = String(total ? (record[p.key] ?? 0) / total : 1); // width ~ share of the step's time
      b.addEventListener('click', () => this.onPhase(p.phase, true));
      return b;
    }));
  }

  // While training runs, the next step is already going: walk the code panel through its phases
  // on the last step's timings (the worker does not report mid-step). Reduced motion: no walk.
  follow(record, running) {
    cancelAnimationFrame(this.replay);
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (!running || !record || reduced) { this.mark(null); return; }
    const start = performance.now();
    const ends = [];
    let t = 0;
    for (const p of PHASES) { t += (record[p.key] ?? 0) * 1000; ends.push(t); }
    const tick = () => {
      const at = performance.now() - start;
      const index = ends.findIndex((end) => at < end);
      this.mark(index < 0 ? null : PHASES[index].phase);
      if (index >= 0) this.replay = requestAnimationFrame(tick);
    };
    tick();
  }

  mark(phase) {
    if (phase === this.current) return;
    this.current = phase;
    for (const b of this.phases.querySelectorAll('.tr-phase')) b.classList.toggle('active', b.dataset.phase === phase);
    this.onPhase(phase, false);
  }
}
