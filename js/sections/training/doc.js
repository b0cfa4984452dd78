// Chapter 6: the document of the last step as (input -> target) pairs with the loss of each
// pair, and that step's time in forward, backward and the Adam update. Clicking a phase (or a
// step arriving while training runs) marks its lines in the code panel.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { chipForId } from '../../ui/token-chip.js';
import { shortNumber } from '../../ui/short-number.js';
import { codeSpans } from '../parameters/text.js';

const PHASES = [
  { key: 't_forward', phase: 'train.forward', label: 'forward' },
  { key: 't_backward', phase: 'train.backward', label: 'backward' },
  { key: 't_update', phase: 'train.update', label: 'update' },
];
export const ALL_PHASES = PHASES.map((p) => p.phase);

export class TrainingDoc {
  constructor({ onPhase }) {
    this.onPhase = onPhase;
    this.card = liveCard({
      title: "This step's document",
      help: [
        'pair',
        'at each position the model sees the input token (and the ones before it) and is scored on the target, the next token',
      ],
      className: 'tr-doc-card',
    });
    this.heading = el('p', 'live-card-note');
    this.pairs = el('div', 'tr-pairs');
    this.phases = el('div', { className: 'tr-phases', role: 'group', 'aria-label': 'Time of each part of the last step' });
    const note = el(
      'p',
      'live-card-note tr-phases-note',
      'Click a part to see its lines. While training runs, the code ' +
        "panel marks forward, backward and the update in turn, on the last step's timings (the worker reports a step " +
        'once it is done).',
    );
    // Shown once the loop is over: what ended it and how to train longer (loopOver below).
    this.over = el('p', { className: 'tr-over', hidden: true, role: 'status' });
    this.card.body.append(this.heading, this.over, this.pairs, this.phases, note);
    this.replay = 0;
    this.columns = []; // PairColumn per position, reused
  }

  // `info`: the script's (its vocab labels every token; roles say how its loss is made).
  // `over`: the loop has no step left (its iterable is used up or every step has run).
  show(record, info, over = false) {
    const stepsDone = info.step ?? 0;
    const vocab = info.vocab;
    this.over.hidden = !over;
    this.over.replaceChildren(...(over ? codeSpans(loopOver(info, stepsDone)) : []));
    this.card.root.dataset.over = String(over);
    if (!record) {
      // No record but steps done: the model came from a checkpoint (training/jump.js).
      this.heading.textContent =
        stepsDone > 0
          ? over
            ? `Steps 1–${stepsDone} came from a checkpoint.`
            : `Steps 1–${stepsDone} came from a checkpoint: press "Train 1 step" to run step ${stepsDone + 1} here and see its document.`
          : 'No step has run yet: press "Train 1 step".';
      this.pairs.replaceChildren();
      this.showPhases(null);
      return;
    }
    const { doc, tokens = [], losses = [], loss, step } = record;
    const n = record.n ?? losses.length;
    // The document is the data set's text: set as text, never read for backticks.
    this.heading.replaceChildren(
      `Step ${step}: ${doc == null ? 'its document' : `"${doc}"`} — ${n} pairs, loss ${shortNumber(loss, 5)}. `,
      ...codeSpans(lossWords(info, n)),
    );
    const worst = Math.max(...losses.filter(Number.isFinite), 1e-9);
    // One column per position, kept from step to step: a new document rewrites their contents
    // and adds or removes only the columns its length needs.
    while (this.columns.length < n) this.columns.push(new PairColumn(this.columns.length));
    for (let pos = 0; pos < n; pos++) this.columns[pos].show(tokens[pos], tokens[pos + 1], losses[pos], worst, vocab);
    if (this.pairs.children.length !== n) this.pairs.replaceChildren(...this.columns.slice(0, n).map((c) => c.root));
    this.showPhases(record);
  }

  // The three phase buttons are made once; a step sets their times and widths.
  showPhases(record) {
    if (!this.phaseViews) {
      this.phaseViews = PHASES.map((p) => {
        const ms = el('span', 'tr-phase-ms', '–');
        const button = el(
          'button',
          { type: 'button', className: 'tr-phase', dataset: { phase: p.phase }, title: `Show the ${p.label} lines` },
          [el('span', 'tr-phase-name', p.label), ms],
        );
        button.addEventListener('click', () => this.onPhase(p.phase, true));
        return { p, button, ms };
      });
      this.phases.replaceChildren(el('span', 'tr-phases-label', 'last step:'), ...this.phaseViews.map((v) => v.button));
    }
    const total = record ? PHASES.reduce((s, p) => s + (record[p.key] ?? 0), 0) : 0;
    for (const { p, button, ms } of this.phaseViews) {
      const t = record ? (record[p.key] ?? 0) * 1000 : null;
      ms.textContent = t == null ? '–' : `${t.toFixed(t < 10 ? 1 : 0)} ms`;
      button.style.flexGrow = String(total ? (record[p.key] ?? 0) / total : 1); // width ~ share of the step's time
    }
  }

  // While training runs, the next step is already going: walk the code panel through its phases
  // on the last step's timings (the worker does not report mid-step). Reduced motion: no walk.
  follow(record, running) {
    cancelAnimationFrame(this.replay);
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (!running || !record || reduced) {
      this.mark(null);
      return;
    }
    const start = performance.now();
    const ends = [];
    let t = 0;
    for (const p of PHASES) {
      t += (record[p.key] ?? 0) * 1000;
      ends.push(t);
    }
    const tick = () => {
      const at = performance.now() - start;
      const index = ends.findIndex((end) => at < end);
      this.mark(index < 0 ? null : PHASES[index].phase);
      if (index >= 0) this.replay = requestAnimationFrame(tick);
    };
    tick();
  }

  mark(phase) {
    if (phase === this.current) return;
    this.current = phase;
    for (const b of this.phases.querySelectorAll('.tr-phase')) b.classList.toggle('active', b.dataset.phase === phase);
    this.onPhase(phase, false);
  }
}

// Position `pos` of the document: input chip, arrow, target chip, a bar and the number of its loss.
class PairColumn {
  constructor(pos) {
    this.pos = pos;
    this.bar = el('span', 'tr-pair-bar');
    this.loss = el('span', 'tr-pair-loss');
    this.input = el('span');
    this.target = el('span');
    this.root = el('div', { className: 'tr-pair', dataset: { pos: String(pos) } }, [
      this.input,
      el('span', 'tr-arrow', '↓'),
      this.target,
      el('span', 'tr-pair-bar-box', this.bar),
      this.loss,
    ]);
    this.ids = [];
  }

  show(input, target, loss, worst, vocab) {
    // A chip is remade only when its token changed (most documents share BOS and some letters).
    if (this.ids[0] !== input || this.vocab !== vocab)
      this.input = swap(this.input, chipForId(input, vocab, { small: true, title: `input at position ${this.pos}` }));
    if (this.ids[1] !== target || this.vocab !== vocab)
      this.target = swap(this.target, chipForId(target, vocab, { small: true, title: `target at position ${this.pos}` }));
    this.ids = [input, target];
    this.vocab = vocab;
    this.root.dataset.loss = String(loss);
    this.bar.style.height = `${Math.round(36 * (Number.isFinite(loss) ? loss / worst : 0))}px`;
    this.loss.title = `the loss term of the target at position ${this.pos}: ${loss}`;
    this.loss.textContent = shortNumber(loss, 3);
  }
}

// The loop is over: say so with the script's own loop and the name that sets its length
// (info.facts: train_loop, train_length, read from the script), and how to train longer.
function loopOver(info, stepsDone) {
  const loop = info.facts?.train_loop;
  const names = info.facts?.train_length ?? [];
  const total = info.hyper?.num_steps ?? stepsDone;
  const ran = loop
    ? `The script's training loop, \`${loop}\`, is over: all ${total} of its steps have run`
    : `The script's training loop is over: all ${total} of its steps have run`;
  if (names.length === 1) {
    return (
      `${ran} (\`${names[0]}\` is ${total} in the script). To train longer, make \`${names[0]}\` larger in the script ` +
      '(chapter 0) and press Run: the model then trains again from step 0.'
    );
  }
  const what = names.length ? names.map((n) => `\`${n}\``).join(', ') : 'its iterable';
  return `${ran}. To train longer, change ${what} in the script (chapter 0) and press Run: the model then trains again from step 0.`;
}

// How the step's loss relates to the terms below, as the bridge found the script makes it.
function lossWords(info, n) {
  const backward = info.facts?.backward_stmt ?? 'the backward call';
  if (info.roles?.per_position_backward) {
    return `The script calls \`${backward}\` once per position, on each of the ${n} terms below: the step's loss is their sum.`;
  }
  const list = info.roles?.losses;
  return `The loss is what \`${backward}\` was called on; below, the ${n} terms of ${list ? `\`${list}\`` : 'its losses'} it is made from.`;
}

function swap(old, replacement) {
  old.replaceWith(replacement);
  return replacement;
}
