// Chapter 7: one sample typed out. The token sampling starts from, then each token the script's
// sampling loop drew, appearing one at a time, with a small chart of the distribution it was
// drawn from under it. A click on a token opens that whole distribution (inference-distribution.js).
// Labels and special tokens are the script's own (info.vocab); the temperature slider sets the
// script's own divisor (info.roles.sampling.temperature), or is off when it divides by none.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { termMarker } from '../ui/glossary.js';
import { tokenChip, chipForId } from '../ui/token-chip.js';
import { isSpecial, tokenLabel } from '../ui/vocab.js';
import { renderProbBars, formatProb } from '../ui/prob-bars.js';
import { renderDistribution } from './inference-distribution.js';
import { SequencePlayer } from '../ui/sequence-player.js';

const TYPE_MS = 140; // one token every TYPE_MS while typing out
const MINI_TOP = 3; // the mini charts show the most likely tokens, and always the one drawn

export function createGenerator({ action, temperatureLink, onTemperature, onAgain, onPick }) {
  const card = liveCard({ title: 'Generate a sample', term: 'sampling', action, className: 'inf-generate' });
  const slider = el('input', { type: 'range', id: 'inf-temperature', min: '0.1', max: '2', step: '0.05', value: '0.5' });
  const value = el('output', { className: 'inf-temp-value', for: 'inf-temperature' });
  const again = el('button', { type: 'button', className: 'inf-again' }, 'Sample again');
  const seedNote = el('span', 'inf-seed');
  const label = el('label', { for: 'inf-temperature', className: 'inf-temp-label' }, 'temperature');
  const noTemperature = el('span', { className: 'inf-no-temp', hidden: true });
  const controls = el('div', 'inf-controls', [
    el('span', 'inf-temp-name', [label, termMarker('temperature')]),
    slider, value, noTemperature, temperatureLink, again, seedNote,
  ]);
  const row = el('div', { className: 'inf-row', 'aria-label': 'The sample, one token per position', dataset: { state: 'empty' } });
  const legend = el('p', 'inf-legend', 'Under each token: the most likely tokens at that position, and the one drawn, in red (last, when it was not among the top three). A red outline marks a token that was not the most likely one.');
  const status = el('p', { className: 'inf-status', role: 'status' });
  const detail = el('div', 'inf-detail');
  card.body.append(controls, row, legend, status, detail);

  let shown = null; // {result, meta}
  let selected = 0;
  let temperatureName = 'temperature';
  // The columns appear one by one, TYPE_MS apart, on the frame clock; with reduced motion the
  // player shows them all at once.
  const typing = new SequencePlayer({
    begin: (step) => step.column.classList.add('is-shown'),
    done: () => { row.dataset.state = 'done'; },
  });

  slider.addEventListener('input', () => {
    const t = Number(slider.value);
    value.textContent = t.toFixed(2);
    onTemperature(t);
  });
  again.addEventListener('click', () => onAgain());

  function select(index) {
    selected = index;
    for (const step of row.querySelectorAll('.inf-step')) step.setAttribute('aria-pressed', String(Number(step.dataset.index) === index));
    const { meta } = shown;
    const temperature = meta.temperature != null ? { name: temperatureName, value: meta.temperature } : null;
    renderDistribution(detail, { steps: shown.result.steps, index, vocab: meta.vocab, temperature });
  }

  // One position: the drawn token as a chip (a button) over its mini distribution.
  function column(step, index, vocab) {
    const special = step.token != null && isSpecial(vocab, step.token);
    const mini = el('div', 'inf-mini');
    if (step.probs.length) {
      renderProbBars(mini, { probs: step.probs, vocab, marks: { sampled: step.token, argmax: step.argmax }, top: MINI_TOP, keep: [step.token] });
    }
    const chip = step.token != null
      ? chipForId(step.token, vocab, { small: true })
      : tokenChip({ label: '—', kind: 'unknown', note: 'unread', small: true, title: 'The bridge could not read which token was drawn' });
    const p = step.token != null && step.probs.length ? formatProb(step.probs[step.token]) : 'unknown';
    const button = el('button', {
      type: 'button',
      className: `inf-step${special ? ' is-end' : ''}${step.token !== step.argmax ? ' is-unlikely' : ''}`,
      title: `Position ${index}: click for the whole distribution`,
      'aria-pressed': 'false',
      dataset: { index: String(index), token: String(step.token) },
    }, [
      // The name comes from what the button shows (chip and mini chart), with hidden words
      // around it: a name that left the visible text out would not match what a voice user says.
      el('span', 'visually-hidden', `Position ${index}: `),
      chip,
      el('span', 'visually-hidden', `, drawn with probability ${p}; the likeliest: `),
      mini,
    ]);
    button.addEventListener('click', () => {
      select(index);
      onPick?.(index);
    });
    return button;
  }

  function typeOut(columns) {
    row.dataset.state = columns.length ? 'typing' : 'done';
    if (columns.length) typing.play(columns.map((column) => ({ column, duration: TYPE_MS })));
    else typing.stop();
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

  return {
    root: card.root,
    body: card.body,
    // The script's temperature: {name, value}, value null when its sampling loop divides by none.
    setTemperature({ name, value: t }) {
      temperatureName = name ?? 'temperature';
      label.textContent = temperatureName;
      const none = t == null;
      slider.disabled = none;
      value.hidden = none;
      noTemperature.hidden = !none;
      noTemperature.textContent = none ? 'none: this script\'s sampling loop divides its scores by no temperature' : '';
      controls.classList.toggle('no-temperature', none);
      if (none) {
        slider.value = '1'; // scores divided by nothing: where 1 would leave them
        return;
      }
      slider.value = String(t);
      value.textContent = t.toFixed(2);
    },
    setBusy(busy) {
      card.root.classList.toggle('is-busy', busy);
      if (busy) status.textContent = 'Python is drawing…';
    },
    // A `sample` answer: {text, steps}; meta: {temperature, seed, draw, vocab}.
    show(result, meta) {
      shown = { result, meta };
      card.root.classList.remove('is-busy');
      seedNote.textContent = `random.seed(${meta.seed})`;
      seedNote.title = `Draw ${meta.draw}: seeded, so the same draw at another temperature uses the same random numbers. “Sample again” moves to the next seed.`;
      const { vocab } = meta;
      const columns = result.steps.map((step, i) => column(step, i, vocab));
      const start = vocab.bos != null
        ? el('div', 'inf-start', [
          chipForId(vocab.bos, vocab, { title: 'Sampling starts from this token: the one every document starts with' }),
          el('span', 'inf-start-note', 'start'),
        ])
        : null;
      row.replaceChildren(...[start, ...columns].filter(Boolean));
      status.replaceChildren(el('span', 'inf-text', ['“', el('strong', null, result.text), '”']), ending(result, vocab));
      typeOut(columns);
      if (result.steps.length) select(Math.min(selected, result.steps.length - 1));
      else detail.replaceChildren();
    },
    fail(error) {
      card.root.classList.remove('is-busy');
      typing.stop();
      row.replaceChildren();
      row.dataset.state = 'empty';
      detail.replaceChildren();
      status.textContent = `The script's sampling loop could not run: ${error?.message ?? error}`;
    },
  };
}
