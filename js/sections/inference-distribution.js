// Chapter 7: the whole distribution one character was drawn from, over every token of the
// vocabulary, with the drawn one and the most likely one marked, and why they can differ.
import { el } from '../ui/dom.js';
import { renderProbBars, formatProb } from '../ui/prob-bars.js';

// steps: the `sample` answer's steps; index: the position shown; labels, BOS, temperature.
export function renderDistribution(container, { steps, index, labels, BOS, temperature }) {
  const step = steps[index];
  const name = (id) => (id === BOS ? 'BOS' : `'${labels[id]}'`);
  const context = ['BOS', ...steps.slice(0, index).map((s) => labels[s.token])];
  const heading = el('p', 'inf-detail-head', [
    el('strong', null, `Position ${index}`),
    ` · after ${context.join(' ')} · probs = softmax(logits / ${temperature.toFixed(2)}), all ${step.probs.length} tokens`,
  ]);
  const bars = el('div', 'inf-full');
  renderProbBars(bars, { probs: step.probs, labels, marks: { sampled: step.token, argmax: step.argmax } });
  container.replaceChildren(heading, bars, el('p', 'inf-why', why(step, name)));
  container.dataset.index = String(index);
}

// One sentence on why the drawn token need not be the most likely one.
function why(step, name) {
  const p = formatProb(step.probs[step.token]);
  const rule = 'random.choices draws each token with a chance equal to its probability';
  if (step.token === step.argmax) {
    return `This time the draw landed on the most likely token, ${name(step.token)} (${p}), but it did not have to: ${rule}, so less likely tokens come up too, in proportion to their bars.`;
  }
  const top = formatProb(step.probs[step.argmax]);
  return `The script drew ${name(step.token)} (${p}), not the most likely ${name(step.argmax)} (${top}): ${rule}, so a token with ${p} is picked in about ${p} of draws.`;
}
