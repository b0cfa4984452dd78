// The kept runs, newest first: what differs, steps, the last loss and its moving average, when.
// A checkbox picks a run for the comparison (at most MAX_PICKED, each in its own colour); "Use
// this run" switches the page to it. Every text is the run's own (labels come from scripts and
// file names, so they go in as text).
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { shortNumber } from '../../ui/short-number.js';
import { movingAverage, AVERAGE_OVER } from '../training/curves.js';

export const MAX_PICKED = 3;

export class RunList {
  /** @param {{onPick: (id: string, picked: boolean) => void, onUse: (id: string) => void}} options */
  constructor({ onPick, onUse }) {
    this.card = liveCard({ title: 'Kept runs', className: 'rn-list-card' });
    this.list = el('ul', 'rn-list');
    this.hintLine = el('p', 'rn-list-hint');
    this.note = el('p', { className: 'rn-list-note', role: 'status' });
    this.card.body.append(this.list, this.hintLine, this.note);
    this.onPick = onPick;
    this.onUse = onUse;
  }

  get root() {
    return this.card.root;
  }

  /** @param {any[]} runs @param {{current: any, slotOf: (id: string) => number | null, busy: string | null}} view */
  show(runs, { current, slotOf, busy }) {
    const full = runs.filter((r) => slotOf(r.id) != null).length >= MAX_PICKED;
    this.list.replaceChildren(...runs.map((run) => this.row(run, { current: run.id === current?.id, slot: slotOf(run.id), full, busy })));
    this.list.dataset.count = String(runs.length);
  }

  row(run, { current, slot, full, busy }) {
    const box = el('input', { type: 'checkbox', className: 'rn-pick', 'aria-label': `Compare ${run.label}` });
    box.checked = slot != null;
    box.disabled = slot == null && full;
    box.addEventListener('change', () => this.onPick(run.id, box.checked));
    const swatch = el('span', { className: 'rn-swatch', 'aria-hidden': 'true', dataset: slot == null ? {} : { slot: String(slot + 1) } });
    const use = current
      ? el('span', 'rn-current', 'on the page')
      : el('button', { type: 'button', className: 'rn-use', disabled: busy != null }, busy === run.id ? 'Switching…' : 'Use this run');
    if (!current) use.addEventListener('click', () => this.onUse(run.id));
    return el('li', { className: 'rn-row', dataset: current ? { run: run.id, current: 'true' } : { run: run.id } }, [
      el('label', 'rn-name', [box, swatch, el('span', 'rn-label', run.label)]),
      el('span', 'rn-meta', describe(run)),
      use,
    ]);
  }

  // What to do next (empty: nothing to say), and what the last action did.
  hint(text) {
    this.hintLine.textContent = text;
    this.hintLine.hidden = !text;
  }

  say(text) {
    this.note.textContent = text;
  }
}

// "20 steps · loss 2.914 (average 3.102) · 15:02".
function describe(run) {
  const { losses } = run.history;
  const parts = [`${run.step} step${run.step === 1 ? '' : 's'}`];
  if (losses.length) {
    const average = movingAverage(losses, AVERAGE_OVER).at(-1);
    parts.push(
      `loss ${shortNumber(losses.at(-1), 4)} (average of the last ${Math.min(AVERAGE_OVER, losses.length)}: ${shortNumber(average, 4)})`,
    );
  }
  // The build's native run has no time of its own in this browser: it came with the file.
  if (run.createdAt) parts.push(new Date(run.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  else parts.push('trained when this page was built');
  return parts.join(' · ');
}
