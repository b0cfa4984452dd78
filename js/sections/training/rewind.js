// "Rewind to step N": the loss curve's click (curves.js) or a typed step puts the current run back
// at that step (ctx.runs.rewind: the nearest kept state, the rest replayed by the script itself).
// What happened is said in the form's own line; the chapters redraw from the runs core's change.
import { el } from '../../ui/dom.js';

const HINT = 'Click a step on the loss curve, or type its number, to put the model back as it was after that step.';

export class RewindForm {
  /** @param {{onRewind: (step: number) => Promise<any>}} options */
  constructor({ onRewind }) {
    this.onRewind = onRewind;
    this.input = el('input', { type: 'number', className: 'tr-rewind-step', min: 0, step: 1, 'aria-label': 'Step to rewind to' });
    this.button = el('button', { type: 'submit', className: 'tr-rewind-go' }, 'Rewind');
    this.note = el('span', { className: 'tr-rewind-note', role: 'status' }, HINT);
    // novalidate: a step out of range is told in the form's own line, not the browser's bubble
    this.root = el('form', { className: 'tr-rewind', novalidate: true }, [
      el('label', 'tr-rewind-label', ['Rewind to step ', this.input]),
      this.button,
      this.note,
    ]);
    this.root.addEventListener('submit', (e) => {
      e.preventDefault();
      if (this.input.value !== '') this.rewind(Number(this.input.value));
    });
    this.last = 0;
  }

  // The steps there are to rewind to: 0 .. the last one done.
  setLast(step) {
    this.last = step;
    this.input.max = String(step);
  }

  async rewind(step) {
    if (!Number.isInteger(step) || step < 0 || step > this.last) {
      this.note.textContent = `There is no step ${step} to go back to: this run has steps 0 to ${this.last}.`;
      return;
    }
    this.input.value = String(step);
    this.button.disabled = true;
    this.note.textContent = `Rewinding to step ${step}…`;
    try {
      await this.onRewind(step);
      this.note.textContent = `Back at step ${step}. Training on from here makes a new run beside this one ("Runs" compares them).`;
    } catch (error) {
      this.note.textContent = `Could not rewind: ${error?.message ?? error}`;
    } finally {
      this.button.disabled = false;
    }
  }
}
