// Chapter 7: the whole distribution one token was drawn from, over every token of the
// vocabulary, with the drawn one and the most likely one marked, and why they can differ.
// The probabilities are the list the script's own sampling loop drew from (the bridge's `sample`).
import { el } from '../../ui/dom.js';
import { renderProbBars, formatProb } from '../../ui/prob-bars.js';
import { isSpecial, tokenLabel } from '../../ui/vocab.js';

// A vocabulary this long (capitals, accents) shows its most likely tokens first, the rest on demand.
const LONG_VOCAB = 40;
const SHORT_LIST = 30;

// steps: the `sample` answer's steps; index: the position shown; vocab: info.vocab;
// temperature: {name, value} the draw used, or null when the script divides by none.
export function renderDistribution(container, { steps, index, vocab, temperature }) {
  const step = steps[index];
  const name = (id) => (isSpecial(vocab, id) ? tokenLabel(vocab, id) : `'${tokenLabel(vocab, id)}'`);
  const context = [tokenLabel(vocab, vocab.bos), ...steps.slice(0, index).map((s) => tokenLabel(vocab, s.token))];
  container.dataset.index = String(index);
  if (!step.probs.length) {
    container.replaceChildren(
      el('p', 'inf-detail-head', [
        el('strong', null, `Position ${index}`),
        " · the bridge found no list of probabilities among the sampling loop's variables at this position.",
      ]),
    );
    return;
  }
  const heading = el(
    'p',
    'inf-detail-head',
    [
      el('strong', null, `Position ${index}`),
      ` · after ${context.join(' ')} · the distribution the script drew from`,
      temperature ? [' at ', el('code', null, `${temperature.name} = ${temperature.value.toFixed(2)}`)] : [],
      `, over ${step.probs.length} tokens`,
    ].flat(),
  );
  const bars = el('div', 'inf-full');
  const marks = { sampled: step.token, argmax: step.argmax };
  const long = step.probs.length > LONG_VOCAB;
  const all = !long || container.dataset.all === 'true'; // the reader's choice holds from one position to the next
  renderProbBars(bars, { probs: step.probs, vocab, marks, ...(all ? {} : { top: SHORT_LIST, keep: [step.token, step.argmax] }) });
  let toggle = null;
  if (long) {
    toggle = el(
      'button',
      { type: 'button', className: 'inf-all' },
      all ? `the ${SHORT_LIST} most likely only` : `all ${step.probs.length} tokens`,
    );
    toggle.addEventListener('click', () => {
      container.dataset.all = String(!all);
      renderDistribution(container, { steps, index, vocab, temperature });
    });
  }
  const which = long
    ? el('p', 'inf-shown', [
        all ? 'All tokens, in id order. ' : `The ${SHORT_LIST} most likely of ${step.probs.length} tokens, the drawn one among them. `,
        toggle,
      ])
    : null;
  container.replaceChildren(...[heading, bars, which, el('p', 'inf-why', why(step, name))].filter(Boolean));
}

// One sentence on why the drawn token need not be the most likely one.
function why(step, name) {
  if (step.token == null) return 'The bridge could not read which token the script drew here.';
  const p = formatProb(step.probs[step.token]);
  const rule = 'the script draws at random, each token with a chance equal to its probability';
  if (step.token === step.argmax) {
    return `This time the draw landed on the most likely token, ${name(step.token)} (${p}), but it did not have to: ${rule}, so less likely tokens come up too, in proportion to their bars.`;
  }
  const top = formatProb(step.probs[step.argmax]);
  return `The script drew ${name(step.token)} (${p}), not the most likely ${name(step.argmax)} (${top}): ${rule}, so a token with ${p} is picked in about ${p} of draws.`;
}
