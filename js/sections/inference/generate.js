// Chapter 7: one sample typed out. The token sampling starts from, then each token the script's
// sampling loop drew, appearing one at a time, with a small chart of the distribution it was
// drawn from under it. A click on a token opens that whole distribution (inference/distribution.js).
// Labels and special tokens are the script's own (info.vocab); the temperature slider sets the
// script's own divisor (info.roles.sampling.temperature), or is off when it divides by none.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { termMarker } from '../../ui/glossary.js';
import { tokenChip, chipForId } from '../../ui/token-chip.js';
import { isSpecial, tokenLabel } from '../../ui/vocab.js';
import { renderProbBars, formatProb } from '../../ui/prob-bars.js';
import { renderDistribution } from './distribution.js';
import { SequencePlayer } from '../../ui/sequence-player.js';

const TYPE_MS = 140; // one token every TYPE_MS while typing out
const MINI_TOP = 3; // the mini charts show the most likely tokens, and always the one drawn

export class SampleGenerator {
  constructor({ action, temperatureLink, onTemperature, onAgain, onPick }) {
    this.onPick = onPick;
    this.card = liveCard({ title: 'Generate a sample', term: 'sampling', action, className: 'inf-generate' });
    this.root = this.card.root;
    this.body = this.card.body;
    this.slider = el('input', { type: 'range', id: 'inf-temperature', min: '0.1', max: '2', step: '0.05', value: '0.5' });
    this.value = el('output', { className: 'inf-temp-value', for: 'inf-temperature' });
    const again = el('button', { type: 'button', className: 'inf-again' }, 'Sample again');
    this.seedNote = el('span', 'inf-seed');
    this.label = el('label', { for: 'inf-temperature', className: 'inf-temp-label' }, 'temperature');
    this.noTemperature = el('span', { className: 'inf-no-temp', hidden: true });
    this.controls = el('div', 'inf-controls', [
      el('span', 'inf-temp-name', [this.label, termMarker('temperature')]),
      this.slider,
      this.value,
      this.noTemperature,
      temperatureLink,
      again,
      this.seedNote,
    ]);
    this.row = el('div', { className: 'inf-row', 'aria-label': 'The sample, one token per position', dataset: { state: 'empty' } });
    const legend = el(
      'p',
      'inf-legend',
      'Under each token: the most likely tokens at that position, and the one drawn, in red (last, when it was not among the top three). A red outline marks a token that was not the most likely one.',
    );
    this.status = el('p', { className: 'inf-status', role: 'status' });
    this.detail = el('div', 'inf-detail');
    this.card.body.append(this.controls, this.row, legend, this.status, this.detail);

    this.shown = null; // {result, meta}
    this.selected = 0;
    this.temperatureName = 'temperature';
    // The columns appear one by one, TYPE_MS apart, on the frame clock; with reduced motion the
    // player shows them all at once.
    this.typing = new SequencePlayer({
      begin: (step) => step.column.classList.add('is-shown'),
      done: () => {
        this.row.dataset.state = 'done';
      },
    });

    this.slider.addEventListener('input', () => {
      const t = Number(this.slider.value);
      this.value.textContent = t.toFixed(2);
      onTemperature(t);
    });
    again.addEventListener('click', () => onAgain());
  }

  // The script's temperature: {name, value}, value null when its sampling loop divides by none.
  setTemperature({ name, value: t }) {
    this.temperatureName = name ?? 'temperature';
    this.label.textContent = this.temperatureName;
    const none = t == null;
    this.slider.disabled = none;
    this.value.hidden = none;
    this.noTemperature.hidden = !none;
    this.noTemperature.textContent = none ? "none: this script's sampling loop divides its scores by no temperature" : '';
    this.controls.classList.toggle('no-temperature', none);
    if (none) {
      this.slider.value = '1'; // scores divided by nothing: where 1 would leave them
      return;
    }
    this.slider.value = String(t);
    this.value.textContent = t.toFixed(2);
  }

  setBusy(busy) {
    this.root.classList.toggle('is-busy', busy);
    if (busy) this.status.textContent = 'Python is drawing…';
  }

  // A `sample` answer: {text, steps}; meta: {temperature, seed, draw, vocab}.
  show(result, meta) {
    this.shown = { result, meta };
    this.root.classList.remove('is-busy');
    this.seedNote.textContent = `random.seed(${meta.seed})`;
    this.seedNote.title = `Draw ${meta.draw}: seeded, so the same draw at another temperature uses the same random numbers. “Sample again” moves to the next seed.`;
    const { vocab } = meta;
    const columns = result.steps.map((step, i) => this.column(step, i, vocab));
    const start =
      vocab.bos != null
        ? el('div', 'inf-start', [
            chipForId(vocab.bos, vocab, { title: 'Sampling starts from this token: the one every document starts with' }),
            el('span', 'inf-start-note', 'start'),
          ])
        : null;
    this.row.replaceChildren(...[start, ...columns].filter(Boolean));
    this.status.replaceChildren(el('span', 'inf-text', ['“', el('strong', null, result.text), '”']), ending(result, vocab));
    this.typeOut(columns);
    if (result.steps.length) this.select(Math.min(this.selected, result.steps.length - 1));
    else this.detail.replaceChildren();
  }

  fail(error) {
    this.root.classList.remove('is-busy');
    this.typing.stop();
    this.row.replaceChildren();
    this.row.dataset.state = 'empty';
    this.detail.replaceChildren();
    this.status.textContent = `The script's sampling loop could not run: ${error?.message ?? error}`;
  }

  select(index) {
    this.selected = index;
    for (const step of this.row.querySelectorAll('.inf-step'))
      step.setAttribute('aria-pressed', String(Number(step.dataset.index) === index));
    const { meta } = this.shown;
    const temperature = meta.temperature != null ? { name: this.temperatureName, value: meta.temperature } : null;
    renderDistribution(this.detail, { steps: this.shown.result.steps, index, vocab: meta.vocab, temperature });
  }

  // One position: the drawn token as a chip (a button) over its mini distribution.
  column(step, index, vocab) {
    const special = step.token != null && isSpecial(vocab, step.token);
    const mini = el('div', 'inf-mini');
    if (step.probs.length) {
      renderProbBars(mini, {
        probs: step.probs,
        vocab,
        marks: { sampled: step.token, argmax: step.argmax },
        top: MINI_TOP,
        keep: [step.token],
      });
    }
    const chip =
      step.token != null
        ? chipForId(step.token, vocab, { small: true })
        : tokenChip({ label: '—', kind: 'unknown', note: 'unread', small: true, title: 'The bridge could not read which token was drawn' });
    const p = step.token != null && step.probs.length ? formatProb(step.probs[step.token]) : 'unknown';
    const button = el(
      'button',
      {
        type: 'button',
        className: `inf-step${special ? ' is-end' : ''}${step.token !== step.argmax ? ' is-unlikely' : ''}`,
        title: `Position ${index}: click for the whole distribution`,
        'aria-pressed': 'false',
        dataset: { index: String(index), token: String(step.token) },
      },
      [
        // The name comes from what the button shows (chip and mini chart), with hidden words
        // around it: a name that left the visible text out would not match what a voice user says.
        el('span', 'visually-hidden', `Position ${index}: `),
        chip,
        el('span', 'visually-hidden', `, drawn with probability ${p}; the likeliest: `),
        mini,
      ],
    );
    button.addEventListener('click', () => {
      this.select(index);
      this.onPick?.(index);
    });
    return button;
  }

  typeOut(columns) {
    this.row.dataset.state = columns.length ? 'typing' : 'done';
    if (columns.length) this.typing.play(columns.map((column) => ({ column, duration: TYPE_MS })));
    else this.typing.stop();
  }
}

// How the sample ended, from its last token: a special one (BOS or EOS) the loop stopped on,
// or the loop's own end.
function ending(result, vocab) {
  const last = result.steps.at(-1)?.token;
  const count = [...result.text].length; // code points, as Python counts them
  const chars = `${count} character${count === 1 ? '' : 's'}`;
  if (last != null && isSpecial(vocab, last)) {
    return ` ${chars}, then the model drew ${tokenLabel(vocab, last)}: the sample ends. Click any token to see the distribution it was drawn from.`;
  }
  const end = tokenLabel(vocab, vocab.eos ?? vocab.bos);
  return ` The model never drew ${end}: the loop stopped after ${result.steps.length} positions, its last. Click any token to see its distribution.`;
}
