// Chapter 7: twenty samples, printed as the script prints them ("sample  1: name"), each from
// one seeded `sample` call at the slider's temperature. Lines appear as Python finishes them.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';

export function createBatch({ action }) {
  const card = liveCard({ title: 'Twenty samples, as the script prints them', action, className: 'inf-batch' });
  const note = el('p', 'live-card-note');
  const lines = el('pre', { className: 'inf-lines', 'aria-label': 'Twenty samples', tabIndex: '0' });
  const status = el('p', { className: 'inf-batch-status', role: 'status' });
  card.body.append(note, lines, status);
  let expected = 0;

  // Python's f"sample {i+1:2d}: {name}", so the lines read like the script's own output.
  const line = (i, text) => el('span', { className: 'inf-line', dataset: { index: String(i) } }, [
    el('span', 'inf-line-num', `sample ${String(i + 1).padStart(2, ' ')}:`),
    ` ${text}\n`,
  ]);

  return {
    root: card.root,
    start({ temperature, firstSeed, step, count }) {
      expected = count;
      lines.replaceChildren();
      card.root.dataset.state = 'running';
      note.textContent = `Temperature ${temperature.toFixed(2)}, model at step ${step}, seeds ${firstSeed}–${firstSeed + count - 1}: sample 1 is the name typed out above. The script's own run draws its twenty from its random stream instead, so its names differ.`;
      status.textContent = `Python is drawing 0 of ${count}…`;
    },
    add(i, text) {
      lines.append(line(i, text));
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
