// Chapter 7: twenty samples, each from one seeded `sample` call at the slider's temperature,
// shown as the script's own print wrote them (the bridge runs the statements after the
// position loop too, and forwards what they print). Lines appear as Python finishes them.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';

export function createBatch({ action }) {
  const card = liveCard({ title: 'Twenty samples, as the script prints them', action, className: 'inf-batch' });
  const note = el('p', 'live-card-note');
  const lines = el('pre', { className: 'inf-lines', 'aria-label': 'Twenty samples', tabIndex: '0' });
  const status = el('p', { className: 'inf-batch-status', role: 'status' });
  const quiet = el('p', { className: 'live-card-note inf-quiet', hidden: true },
    'The script prints nothing for a sample: these lines are the text each draw made.');
  card.body.append(note, lines, quiet, status);
  let expected = 0;

  return {
    root: card.root,
    // temperature: {name, value} or null (the script divides by none).
    start({ temperature, firstSeed, step, count }) {
      expected = count;
      lines.replaceChildren();
      quiet.hidden = true;
      card.root.dataset.state = 'running';
      const t = temperature ? `${temperature.name} = ${temperature.value.toFixed(2)}, ` : '';
      note.textContent = `${t}model at step ${step}, seeds ${firstSeed}–${firstSeed + count - 1}. `
        + 'Each line is what the script\'s sampling loop printed for one draw. A number in a line is the loop\'s own counter: '
        + 'each draw is one more pass of the loop, so it goes on from the samples drawn before.';
      status.textContent = `Python is drawing 0 of ${count}…`;
    },
    // printed: what the script printed for draw i ('' if nothing); text: the sample's text.
    add(i, { printed, text }) {
      const shown = printed.replace(/\r/g, '').replace(/\n$/, '');
      if (!shown) quiet.hidden = false;
      lines.append(el('span', { className: `inf-line${shown ? '' : ' unprinted'}`, dataset: { index: String(i) } }, `${shown || text}\n`));
      const done = lines.childElementCount;
      status.textContent = done < expected ? `Python is drawing ${done} of ${expected}…` : '';
      if (done >= expected) card.root.dataset.state = 'done';
    },
    // The model changed after `done` lines: the rest would come from another model.
    stop(done) {
      card.root.dataset.state = 'stopped';
      status.textContent = `Stopped after ${done} of ${expected}: the model changed (it trained) while Python was drawing. Press “Sample again” to draw twenty from it.`;
    },
    fail(error) {
      card.root.dataset.state = 'failed';
      status.textContent = `The sampling loop stopped: ${error?.message ?? error}`;
    },
  };
}
