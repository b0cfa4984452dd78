// Chapter 7: which model the samples come from. The bridge counts training steps (info.step,
// the 'step' events); samples drawn before the latest steps are marked as older instead of
// being redrawn, since training can step many times a second.
import { el } from '../ui/dom.js';

export function createModelNote() {
  const model = el('p', 'inf-model');
  const stale = el('p', { className: 'inf-stale', role: 'status', hidden: true });
  const root = el('div', 'inf-model-note', [model, stale]);
  let current = 0;
  let total = null;
  let shown = null; // the step the samples on screen were drawn at
  let replaced = false; // a checkpoint was loaded since they were drawn

  function draw() {
    root.dataset.step = String(current);
    const of = total ? ` of ${total}` : '';
    if (current === 0) {
      model.replaceChildren(
        el('strong', null, 'Untrained model (step 0). '),
        'Its weights are still the random numbers they started as, so every character is about as likely as any other: expect gibberish, not names. Train it in chapter 6 and sample again.',
      );
    } else {
      model.replaceChildren('Sampling from the model after ', el('strong', null, `step ${current}${of}`), ' of training.');
    }
    const old = shown != null && (shown !== current || replaced);
    stale.hidden = !old;
    root.classList.toggle('is-stale', old);
    if (old) {
      stale.textContent = shown !== current
        ? `The samples below were drawn at step ${shown}; the model has trained on to step ${current} since. Press “Sample again” to draw from it.`
        : 'The samples below come from the model before a checkpoint was loaded. Press “Sample again” to draw from the loaded one.';
    }
  }

  return {
    root,
    setModel(step, { numSteps, replaced: swapped = false } = {}) {
      current = step;
      if (numSteps != null) total = numSteps;
      if (swapped) replaced = true;
      draw();
    },
    setShown(step) {
      shown = step;
      replaced = false;
      draw();
    },
  };
}
