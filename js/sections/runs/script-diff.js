// The picked runs' scripts, compared two at a time in CodeMirror's merge view (script-diff-view.js,
// in the lazily loaded CodeMirror module: loaded here on first use, never at boot). With three
// runs picked, buttons choose the pair; identical scripts say so instead of showing two copies.
// Each side's changes are marked in its run's colour (not CodeMirror's red and green, which are
// the page's loss and attention colours).
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { loadCodeModule } from '../../editor/load-code-editor.js';

const NARROW_PX = 700; // below this the two columns would be unreadable: the changes go inline
const layoutFor = (width) => (width >= NARROW_PX ? 'split' : 'unified');

export class ScriptDiffCard {
  constructor() {
    this.card = liveCard({ title: 'What the scripts differ in', className: 'rn-diff-card' });
    this.pairs = el('div', { className: 'rn-pairs', role: 'group', 'aria-label': 'Which two scripts' });
    this.caption = el('p', 'rn-diff-caption');
    this.box = el('div', 'rn-diff-box');
    this.card.body.append(this.pairs, this.caption, this.box);
    this.view = null;
    this.pair = [0, 1]; // indices into the picked runs
    this.shown = null; // [run a, run b] on screen
    this.generation = 0;
    // A turned phone or a resized window: the other layout, once the width crosses NARROW_PX.
    this.resizes = new ResizeObserver(() => {
      if (this.view && this.view.layout !== layoutFor(this.box.clientWidth)) this.draw(...this.shown);
    });
    this.resizes.observe(this.box);
  }

  get root() {
    return this.card.root;
  }

  // runs: [{run, slot}] in the order picked (two or three).
  show(runs) {
    this.runs = runs;
    if (this.pair[1] >= runs.length) this.pair = [0, 1];
    this.pairs.replaceChildren(...(runs.length > 2 ? pairsOf(runs.length).map((pair) => this.pairButton(pair)) : []));
    // The older run on the left: the diff reads as the edit that led from one to the other.
    const [a, b] = this.pair.map((i) => runs[i]).sort((x, y) => x.run.createdAt - y.run.createdAt);
    this.box.style.setProperty('--diff-a', `var(--run-${a.slot + 1})`);
    this.box.style.setProperty('--diff-b', `var(--run-${b.slot + 1})`);
    if (this.shown?.[0] === a.run && this.shown?.[1] === b.run) return; // the same two scripts: keep the view (and its scroll)
    this.shown = [a.run, b.run];
    this.draw(a.run, b.run);
  }

  pairButton([i, j]) {
    const label = `${this.runs[i].run.label} ↔ ${this.runs[j].run.label}`;
    const button = el(
      'button',
      { type: 'button', className: 'rn-pair', 'aria-pressed': String(i === this.pair[0] && j === this.pair[1]) },
      label,
    );
    button.addEventListener('click', () => {
      this.pair = [i, j];
      this.show(this.runs);
    });
    return button;
  }

  async draw(a, b) {
    const mine = ++this.generation;
    this.view?.destroy();
    this.view = null;
    this.box.replaceChildren();
    this.box.dataset.state = 'loading';
    const same = a.script.source === b.script.source;
    this.caption.replaceChildren(
      ...(same
        ? [`"${a.label}" and "${b.label}" ran the same script`, a.dataset.key === b.dataset.key ? '.' : ', on different data sets.']
        : [
            'Left: ',
            el('strong', null, a.label),
            ` (${a.script.filename}); right: `,
            el('strong', null, b.label),
            ` (${b.script.filename}). Unchanged lines are folded.`,
          ]),
    );
    if (same) {
      this.box.dataset.state = 'same';
      return;
    }
    try {
      const { ScriptDiff } = await loadCodeModule();
      if (mine !== this.generation) return;
      this.view = new ScriptDiff(this.box, a.script.source, b.script.source, layoutFor(this.box.clientWidth));
      this.box.dataset.state = 'ready';
      this.box.dataset.layout = this.view.layout;
    } catch (error) {
      if (mine !== this.generation) return;
      this.box.dataset.state = 'failed';
      this.box.textContent = `The diff could not be shown: ${error?.message ?? error}`;
    }
  }

  dispose() {
    this.generation += 1;
    this.resizes.disconnect();
    this.view?.destroy();
  }
}

// [[0, 1], [0, 2], [1, 2]] for three runs.
/** @returns {[number, number][]} */
function pairsOf(n) {
  const out = /** @type {[number, number][]} */ ([]);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
}
