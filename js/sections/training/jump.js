// Chapter 6's "Jump to step N": loads a checkpoint that the build computed by running this same,
// unmodified script natively in CPython (py/builder/checkpoints.py), so a learner can see a model
// 300 or 1000 steps in without waiting for the page to train it. The row is there only while
// the loaded script and data set are byte for byte the ones the checkpoints came from.
//
//   const jump = new TrainingJump({ checkpoints, onJump: async (step) => ... }); // checkpoints: training/checkpoints.js
//   jump.root                        // the row; hidden until check() says yes
//   await jump.check(source, dataset) // a script was (re)loaded: offer the jump or not
//   jump.setEnabled(bool)            // off while training runs
//   await jump.load(rpc, step)       // -> {info, runs: {steps: [1..N], losses, lrs, docs, native: N}}
import { el } from '../../ui/dom.js';
import { helpMarker } from '../../ui/tooltip.js';

export class TrainingJump {
  constructor({ checkpoints, onJump }) {
    this.checkpoints = checkpoints;
    this.onJump = onJump;
    this.buttons = null; // made once the checkpoints are parsed (see check)
    this.buttonRow = el('span', 'tr-jump-buttons');
    const help = helpMarker(
      'checkpoint',
      "The parameters and Adam's m and v saved after that many steps. " +
        'The build ran this exact script on this data set with CPython, outside the browser, and saved them; ' +
        'jumping loads those numbers into the Python running here, and training goes on from there.',
    );
    this.note = el('span', 'tr-jump-note');
    this.root = el('div', { className: 'tr-jump', hidden: true, role: 'group', 'aria-label': 'Jump to a checkpoint' }, [
      el('span', 'tr-jump-label', 'Jump to step'),
      this.buttonRow,
      el('span', 'tr-jump-why', [this.note, help]),
    ]);
    this.checking = 0; // a newer check() supersedes an older one still hashing
  }

  // The checkpoints come after the page's script in the file (they are not needed for the first
  // frame): the row is made once the page is parsed.
  async made() {
    await this.checkpoints.ready();
    if (!this.buttons) {
      this.buttons = this.checkpoints.steps().map((step) => {
        const b = el('button', { type: 'button', className: 'tr-button tr-jump-button', dataset: { step: String(step) } }, String(step));
        b.addEventListener('click', () => this.onJump(step));
        return b;
      });
      this.buttonRow.replaceChildren(...this.buttons);
      this.note.textContent = `computed by this same script in ${this.checkpoints.pythonVersion() || 'CPython'}`;
    }
    return this.buttons;
  }

  // Offered only for the exact script and data set of the checkpoints (checked by sha256).
  async check(source, datasetText) {
    const mine = ++this.checking;
    this.root.hidden = true;
    if (!(await this.made()).length) return false;
    const ok = await this.checkpoints.matchesLoaded(source, datasetText).catch(() => false);
    if (mine !== this.checking) return false;
    this.root.hidden = !ok;
    return ok;
  }

  setEnabled(enabled) {
    for (const b of this.buttons ?? []) b.disabled = !enabled;
  }

  // Import checkpoint `step` into the worker; the curves' arrays for the steps CPython ran.
  async load(rpc, step) {
    const blob = await this.checkpoints.bytes(step);
    const info = await rpc.call('checkpoint_import', { blob });
    const recorded = await this.checkpoints.recordedSteps();
    const n = info.step;
    const steps = Array.from({ length: n }, (_, i) => i + 1);
    for (const b of this.buttons ?? []) b.classList.toggle('current', Number(b.dataset.step) === n);
    return {
      info,
      blob,
      runs: { steps, losses: recorded.loss.slice(0, n), lrs: recorded.lr_t.slice(0, n), docs: recorded.doc.slice(0, n), native: n },
    };
  }

  // The model moved on from the checkpoint (trained, reloaded): no button is "current" any more.
  clearCurrent() {
    for (const b of this.buttons ?? []) b.classList.remove('current');
  }
}
