// Chapter 5, how much a change of attention moved the prediction, in the bridge's own numbers
// (its `effect` record for one position: each token's probability with the change minus without,
// the token moved most, the loss of the target before and after). A sentence says the size of
// the largest change and what that means for this input; then every token's change as a signed
// number in percentage points, largest first, with a bar scaled to the largest change (so that a
// small change can be seen; the numbers keep its true size). The card's root carries the largest
// signed change in data-largest-change (0 when nothing was changed) for tests.
import { el } from '../../ui/dom.js';
import { pyRepr } from '../../ui/py-number.js';
import { shortNumber } from '../../ui/short-number.js';
import { formatProb } from '../../ui/prob-bars.js';

// Below 2 points at most, a learner would not see the bars move: the head "barely matters" here.
const SMALL = 0.02;
const LARGE = 0.1;

// A probability change in percentage points, signed with a real minus sign: "+3.2", "−0.04".
export function formatPoints(change) {
  const points = Math.abs(100 * change);
  const text = points >= 0.095 ? points.toFixed(1) : points >= 0.0005 ? points.toFixed(3) : points === 0 ? '0' : points.toExponential(0);
  return `${change > 0 ? '+' : change < 0 ? '−' : '±'}${text}`;
}

function verdict(size, every) {
  const what = every ? 'attention as a whole' : 'this head';
  if (size < SMALL) return `For this input ${what} barely matters: the prediction hardly depends on it.`;
  if (size < LARGE) return `For this input ${what} matters a little: the change is visible but small.`;
  return `For this input ${what} matters a lot.`;
}

export function renderEffect(container, { effect, what, every, after, vocabLabels }) {
  const label = (id) => (vocabLabels[id] === ' ' ? '␣' : (vocabLabels[id] ?? String(id)));
  if (!effect) {
    container.dataset.largestChange = '0';
    container.dataset.largestToken = '';
    container.replaceChildren(
      el('p', 'at-effect-sentence', 'Nothing is changed: scores × 1.0 is the script as it is. Move the slider or pick another change.'),
    );
    return;
  }
  const top = effect.largest;
  container.dataset.largestChange = String(top.change);
  container.dataset.largestToken = String(top.token);
  container.dataset.moved = String(effect.moved);
  const loss =
    effect.loss_before != null && effect.loss_after != null
      ? ` The loss of this position's target goes from ${shortNumber(effect.loss_before, 4)} to ${shortNumber(effect.loss_after, 4)}.`
      : '';
  const size = formatPoints(Math.abs(top.change)).slice(1); // the size, without its sign
  const sentence =
    `${what} moves the next-token probabilities after “${after}” by up to ${size} points: ` +
    `“${label(top.token)}” ${formatProb(top.before)} → ${formatProb(top.after)} (${formatPoints(top.change)}). ` +
    `In all, ${formatProb(effect.moved)} of the probability moved from some tokens to others.${loss} ${verdict(Math.abs(top.change), every)}`;
  const change = Array.from(effect.change);
  const scale = Math.max(...change.map(Math.abs), 1e-300);
  const order = change.map((_, id) => id).sort((a, b) => Math.abs(change[b]) - Math.abs(change[a]));
  const rows = order.map((id) => {
    const c = change[id];
    const bar = el('span', `at-chg-bar ${c < 0 ? 'is-down' : 'is-up'}`);
    bar.style.width = `${(50 * Math.abs(c)) / scale}%`;
    return el(
      'li',
      { className: 'at-chg', dataset: { token: String(id), change: String(c) }, title: `${label(id)}: change ${pyRepr(c)}` },
      [el('span', 'at-chg-label', label(id)), el('span', 'at-chg-track', bar), el('span', 'at-chg-num', formatPoints(c))],
    );
  });
  container.replaceChildren(
    el('p', 'at-effect-sentence', sentence),
    el(
      'p',
      'at-effect-caption',
      `Every token's change, in percentage points (with the change minus without), largest first; the bars are scaled to the largest change, ${formatPoints(top.change)}.`,
    ),
    el('ol', { className: 'at-chg-list', 'aria-label': 'change of each next-token probability' }, rows),
  );
}
