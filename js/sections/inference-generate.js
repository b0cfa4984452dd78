// Chapter 7: one sample typed out. BOS, then each character the script's sampling loop drew,
// appearing one at a time, with a small chart of the distribution it was drawn from under it.
// A click on a character opens that whole distribution (inference-distribution.js).
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { termMarker } from '../ui/glossary.js';
import { tokenChip } from '../ui/token-chip.js';
import { renderProbBars, formatProb } from '../ui/prob-bars.js';
import { renderDistribution } from './inference-distribution.js';
import { SequencePlayer } from '../ui/sequence-player.js';

const TYPE_MS = 140; // one character every TYPE_MS while typing out
const MINI_TOP = 3; // the mini charts show the most likely tokens, and always the one drawn


export function createGenerator({ action, temperatureLink, onTemperature, onAgain, onPick }) {
  const card = liveCard({ title: 'Generate a name', term: 'sampling', action, className: 'inf-generate' });
  const slider = el('input', { type: 'range', id: 'inf-temperature', min: '0.1', max: '2', step: '0.05', value: '0.5' });
  const value = el('output', { className: 'inf-temp-value', for: 'inf-temperature' });
  const again = el('button', { type: 'button', className: 'inf-again' }, 'Sample again');
  const seedNote = el('span', 'inf-seed');
  const label = el('label', { for: 'inf-temperature', className: 'inf-temp-label' }, 'temperature');
  const controls = el('div', 'inf-controls', [
    el('span', 'inf-temp-name', [label, termMarker('temperature')]),
    slider, value, temperatureLink, again, seedNote,
  ]);
  const row = el('div', { className: 'inf-row', 'aria-label': 'The sample, one token per position', dataset: { state: 'empty' } });
  const legend = el('p', 'inf-legend', 'Under each character: the most likely tokens at that position, and the one drawn, in red (last, when it was not among the top three). A red outline marks a character that was not the most likely one.');
  const status = el('p', { className: 'inf-status', role: 'status' });
  const detail = el('div', 'inf-detail');
  card.body.append(controls, row, legend, status, detail);

  let shown = null; // {result, meta}
  let selected = 0;
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
    renderDistribution(detail, { steps: shown.result.steps, index, ...shown.meta });
  }

  // One position: the drawn token as a chip (a button) over its mini distribution.
  function column(step, index, meta) {
    const isBos = step.token === meta.BOS;
    const mini = el('div', 'inf-mini');
    renderProbBars(mini, { probs: step.probs, labels: meta.labels, marks: { sampled: step.token, argmax: step.argmax }, top: MINI_TOP, keep: [step.token] });
    mini.querySelector(`.pb-row[data-token="${meta.BOS}"]`)?.classList.add('is-bos'); // a three-letter label in a one-letter slot
    const button = el('button', {
      type: 'button',
      className: `inf-step${isBos ? ' is-end' : ''}${step.token !== step.argmax ? ' is-unlikely' : ''}`,
      title: `Position ${index}: click for the whole distribution`,
      'aria-pressed': 'false',
      dataset: { index: String(index), token: String(step.token) },
    }, [
      // The name comes from what the button shows (chip and mini chart), with hidden words
      // around it: a name that left the visible text out would not match what a voice user says.
      el('span', 'visually-hidden', `Position ${index}: `),
      tokenChip({ label: meta.labels[step.token] ?? '?', id: step.token, kind: isBos ? 'bos' : 'char', small: true }),
      el('span', 'visually-hidden', `, drawn with probability ${formatProb(step.probs[step.token])}; the likeliest: `),
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

  return {
    root: card.root,
    body: card.body,
    setTemperature(t) {
      slider.value = String(t);
      value.textContent = t.toFixed(2);
    },
    setBusy(busy) {
      card.root.classList.toggle('is-busy', busy);
      if (busy) status.textContent = 'Python is drawing…';
    },
    // A `sample` answer: {text, steps}; meta: {temperature, seed, draw, labels, BOS}.
    show(result, meta) {
      shown = { result, meta };
      card.root.classList.remove('is-busy');
      seedNote.textContent = `random.seed(${meta.seed})`;
      seedNote.title = `Draw ${meta.draw}: seeded, so the same draw at another temperature uses the same random numbers. “Sample again” moves to the next seed.`;
      const columns = result.steps.map((step, i) => column(step, i, meta));
      const start = tokenChip({ label: 'BOS', id: meta.BOS, kind: 'bos', title: 'Every sample starts from BOS' });
      row.replaceChildren(el('div', 'inf-start', [start, el('span', 'inf-start-note', 'start')]), ...columns);
      const ended = result.steps.at(-1)?.token === meta.BOS;
      status.replaceChildren(
        el('span', 'inf-text', ['“', el('strong', null, result.text), '”']),
        ended
          ? ` ${result.text.length} character${result.text.length === 1 ? '' : 's'}, then the model drew BOS: the name ends. Click any character to see the distribution it was drawn from.`
          : ` The model never drew BOS: the loop stopped after block_size positions. Click any character to see its distribution.`,
      );
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
