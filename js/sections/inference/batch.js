// Chapter 7: twenty samples, each from one seeded `sample` call at the slider's temperature,
// shown as the script's own print wrote them (the bridge runs the statements after the
// position loop too, and forwards what they print). Lines appear as Python finishes them.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';

export class SampleBatch {
  constructor({ action }) {
    this.card = liveCard({ title: 'Twenty samples, as the script prints them', action, className: 'inf-batch' });
    this.note = el('p', 'live-card-note');
    this.lines = el('pre', { className: 'inf-lines', 'aria-label': 'Twenty samples', tabIndex: '0' });
    this.status = el('p', { className: 'inf-batch-status', role: 'status' });
    this.quiet = el(
      'p',
      { className: 'live-card-note inf-quiet', hidden: true },
      'The script prints nothing for a sample: these lines are the text each draw made.',
    );
    this.card.body.append(this.note, this.lines, this.quiet, this.status);
    this.root = this.card.root;
    this.expected = 0;
  }

  // temperature: {name, value} or null (the script divides by none).
  start({ temperature, firstSeed, step, count }) {
    this.expected = count;
    this.lines.replaceChildren();
    this.quiet.hidden = true;
    this.root.dataset.state = 'running';
    const t = temperature ? `${temperature.name} = ${temperature.value.toFixed(2)}, ` : '';
    this.note.textContent =
      `${t}model at step ${step}, seeds ${firstSeed}–${firstSeed + count - 1}. ` +
      "Each line is what the script's sampling loop printed for one draw. A number in a line is the loop's own counter: " +
      'each draw is one more pass of the loop, so it goes on from the samples drawn before.';
    this.status.textContent = `Python is drawing 0 of ${count}…`;
  }

  // printed: what the script printed for draw i ('' if nothing); text: the sample's text.
  add(i, { printed, text }) {
    const shown = printed.replace(/\r/g, '').replace(/\n$/, '');
    if (!shown) this.quiet.hidden = false;
    this.lines.append(
      el('span', { className: `inf-line${shown ? '' : ' unprinted'}`, dataset: { index: String(i) } }, `${shown || text}\n`),
    );
    const done = this.lines.childElementCount;
    this.status.textContent = done < this.expected ? `Python is drawing ${done} of ${this.expected}…` : '';
    if (done >= this.expected) this.root.dataset.state = 'done';
  }

  // The model changed after `done` lines: the rest would come from another model.
  stop(done) {
    this.root.dataset.state = 'stopped';
    this.status.textContent = `Stopped after ${done} of ${this.expected}: the model changed (it trained) while Python was drawing. Press “Sample again” to draw twenty from it.`;
  }

  fail(error) {
    this.root.dataset.state = 'failed';
    this.status.textContent = `The sampling loop stopped: ${error?.message ?? error}`;
  }
}
