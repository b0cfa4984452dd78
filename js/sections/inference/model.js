// Chapter 7: which model the samples come from. The bridge counts training steps (info.step,
// the 'step' events); samples drawn before the model last changed are marked as older instead
// of being redrawn, since training can step many times a second.
import { el } from '../../ui/dom.js';

export class ModelNote {
  constructor() {
    this.model = el('p', 'inf-model');
    this.stale = el('p', { className: 'inf-stale', role: 'status', hidden: true });
    this.root = el('div', 'inf-model-note', [this.model, this.stale]);
    this.total = null;
  }

  setTotal(numSteps) {
    this.total = numSteps ?? null;
  }

  // step: the model's training steps now; shown: {step, stale} of the samples on screen, or null.
  show({ step, shown }) {
    const { model, stale, root, total } = this;
    root.dataset.step = String(step);
    if (step === 0) {
      model.replaceChildren(
        el('strong', null, 'Untrained model (step 0). '),
        'Its weights are still the random numbers they started as, so its probabilities know nothing about the documents: expect gibberish. Train it in chapter 6 and sample again.',
      );
    } else {
      model.replaceChildren(
        'Sampling from the model after ',
        el('strong', null, `step ${step}${total ? ` of ${total}` : ''}`),
        ' of training.',
      );
    }
    const old = Boolean(shown?.stale);
    stale.hidden = !old;
    root.classList.toggle('is-stale', old);
    if (!old) return;
    stale.textContent =
      shown.step !== step
        ? `The samples below were drawn at step ${shown.step}; the model has trained on to step ${step} since. Press “Sample again” to draw from it.`
        : 'The model has changed since the samples below were drawn. Press “Sample again” to draw from it.';
  }
}
