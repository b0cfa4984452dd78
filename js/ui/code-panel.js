// "Show Python code": the script's own lines for what a section explains, with the exact lines
// highlighted. The lines come from the running script's AST (the bridge's `info.phases`), never
// from fixed line numbers, so the panel follows an edited or replaced script.
//
//   const panel = new CodePanel(container, { show: ['tokenizer'], highlight: ['tokenizer'] });
//   panel.setScript(source, phases);     // data changed: a (re)loaded script
//   panel.highlight(['train.backward']); // view changed: mark other lines
import { colouredLines } from './code-colours.js';

const CONTEXT_LINES = 1;

export class CodePanel {
  constructor(container, { show, highlight = show, label = 'Show Python code', open = false }) {
    this.show = show; // phase names whose lines are shown
    this.marked = highlight; // phase names (or [first, last] pairs) whose lines are highlighted
    this.details = document.createElement('details');
    this.details.className = 'code-panel';
    this.details.open = open;
    const summary = document.createElement('summary');
    summary.textContent = label;
    this.where = document.createElement('span');
    this.where.className = 'code-where';
    summary.append(this.where);
    this.pre = document.createElement('pre');
    this.pre.className = 'code-lines';
    this.pre.tabIndex = 0;
    this.details.append(summary, this.pre);
    container.append(this.details);
    this.source = '';
    this.lines = [];
    this.phases = {};
    // Lines are drawn when the panel is open: a closed panel costs the page nothing.
    this.dirty = false;
    this.details.addEventListener('toggle', () => this.details.open && this.dirty && this.render());
    this.drawn = null; // {source, key}: what the lines in `pre` show
  }

  setScript(source, phases) {
    this.source = source;
    this.lines = source.split('\n');
    this.phases = phases ?? {};
    this.invalidate();
  }

  highlight(marked) {
    this.marked = marked;
    this.invalidate();
  }

  invalidate() {
    this.dirty = true;
    this.where.textContent = ` · ${this.whereText(this.shownRanges())}`;
    if (this.details.open) this.render();
  }

  // [first, last] ranges (1-based, inclusive) for phase names or explicit pairs.
  ranges(items) {
    return (items ?? []).map((item) => (Array.isArray(item) ? item : this.phases[item])).filter((r) => Array.isArray(r) && r.length === 2);
  }

  shownRanges() {
    return mergeRanges(
      this.ranges(this.show).map(([a, b]) => [Math.max(1, a - CONTEXT_LINES), Math.min(this.lines.length, b + CONTEXT_LINES)]),
    );
  }

  render() {
    this.dirty = false;
    const shown = this.shownRanges();
    const marked = this.ranges(this.marked);
    const isMarked = (n) => marked.some(([a, b]) => n >= a && n <= b);
    const key = `${this.show}|${shown.join(';')}`; // the note for an empty panel names what it would show
    if (this.drawn?.source === this.source && this.drawn.key === key) {
      // The same lines (a section following execution moves the marks): only the marks change.
      for (const line of /** @type {NodeListOf<HTMLElement>} */ (this.pre.querySelectorAll('.code-line'))) {
        line.classList.toggle('marked', isMarked(Number(line.dataset.line)));
      }
    } else {
      // Plain lines until the colours are known (js/ui/code-colours.js): drawn again then.
      const coloured = this.draw(shown, isMarked);
      this.drawn = coloured ? { source: this.source, key } : null;
    }
    // Bring the first highlighted line into the panel's own view (never scroll the page).
    const first = /** @type {HTMLElement | null} */ (this.pre.querySelector('.marked'));
    if (first) this.pre.scrollTop = Math.max(0, first.offsetTop - this.pre.offsetTop - 2 * first.offsetHeight);
  }

  /** Draws the shown lines; false if they are plain, their colours not known yet. */
  draw(shown, isMarked) {
    const colours = colouredLines(this.source, () => {
      this.dirty = true;
      if (this.details.open) this.render();
    });
    const fragment = document.createDocumentFragment();
    if (!shown.length) {
      const note = document.createElement('span');
      note.className = 'code-missing';
      note.textContent = `The script has no ${this.show.join(', ')} to show.`;
      fragment.append(note);
    }
    shown.forEach(([first, last], i) => {
      if (i > 0) fragment.append(gapLine());
      for (let n = first; n <= last; n++) {
        const pieces = colours ? (colours[n - 1] ?? []) : [{ text: this.lines[n - 1] ?? '', className: '' }];
        fragment.append(codeLine(n, pieces, isMarked(n)));
      }
    });
    this.pre.replaceChildren(fragment);
    return colours != null;
  }

  whereText(shown) {
    if (!shown.length) return 'not in this script';
    return 'lines ' + shown.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
  }

  // The line numbers currently highlighted, for tests and for sections that follow execution.
  markedLines() {
    if (this.dirty) this.render();
    const lines = /** @type {NodeListOf<HTMLElement>} */ (this.pre.querySelectorAll('.code-line.marked'));
    return [...lines].map((el) => Number(el.dataset.line));
  }
}

function mergeRanges(ranges) {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const merged = [];
  for (const [a, b] of sorted) {
    const last = merged.at(-1);
    // A one-line gap is not worth a "⋯".
    if (last && a <= last[1] + 2) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

// One line: its number, then its pieces of text, coloured ones as spans of their class.
function codeLine(number, pieces, marked) {
  const line = document.createElement('span');
  line.className = `code-line${marked ? ' marked' : ''}`;
  line.dataset.line = String(number);
  const num = document.createElement('span');
  num.className = 'code-num';
  num.textContent = String(number);
  num.setAttribute('aria-hidden', 'true');
  line.append(num);
  for (const { text, className } of pieces) {
    if (!className) {
      line.append(text);
    } else {
      const span = document.createElement('span');
      span.className = className;
      span.textContent = text;
      line.append(span);
    }
  }
  line.append('\n');
  return line;
}

function gapLine() {
  const gap = document.createElement('span');
  gap.className = 'code-gap';
  gap.textContent = '⋯\n';
  return gap;
}
