// Hyperparameter fields that edit the script's own constants: each field shows the value the
// script's assignment has now (spans found by the bridge's `constants`, from the AST), and
// Apply rewrites exactly those spans, so the code stays the one source of truth.
import { el } from '../ui/dom.js';
import { FIELDS, check, literal } from './hyper-rules.js';

export class HyperPanel {
  constructor(root, { constantsOf, onApply }) {
    this.constantsOf = constantsOf; // source -> Promise of {name: {value, line, col, end_line, end_col}}
    this.onApply = onApply; // (edits: [{span, text}]) -> run
    this.inputs = new Map();
    // Fields the learner typed into since the script last changed them: a refresh from the
    // text keeps those, unless the script's own value moved (the code is the source of truth).
    this.dirty = new Set();
    this.known = {};
    this.root = root;
    const grid = el('div', 'hyper-grid');
    for (const field of FIELDS) {
      const label = el('label', 'hyper-field');
      const name = el('span', 'hyper-name', field.name);
      const input = el('input', 'hyper-input');
      Object.assign(input, { type: 'text', inputMode: field.kind === 'int' ? 'numeric' : 'decimal', spellcheck: false, name: field.name });
      input.title = field.help;
      input.placeholder = '…'; // until the bridge has read the script's constants
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') this.apply(); });
      input.addEventListener('input', () => { this.dirty.add(field.name); this.showProblems(check(this.texts()).problems); });
      label.append(name, input, el('span', 'hyper-help', field.label));
      grid.append(label);
      this.inputs.set(field.name, input);
    }
    this.applyButton = el('button', 'hyper-apply', 'Apply & Run');
    this.applyButton.type = 'button';
    this.applyButton.addEventListener('click', () => this.apply());
    this.message = el('p', 'hyper-message');
    this.message.setAttribute('role', 'status');
    const foot = el('div', 'hyper-foot');
    foot.append(this.message, this.applyButton);
    root.append(grid, foot);
  }

  texts() {
    return Object.fromEntries([...this.inputs].map(([name, input]) => [name, input.value]));
  }

  // Fills the fields from the script text (called after edits, debounced by the caller).
  async refresh(source) {
    let found;
    try {
      found = await this.constantsOf(source);
    } catch (error) {
      if (error?.type === 'Superseded') return;
      this.showProblems([error?.phase === 'parse' ? 'The script has a syntax error; fix it to edit the fields.' : String(error?.message ?? error)]);
      return;
    }
    for (const field of FIELDS) {
      const input = this.inputs.get(field.name);
      const entry = found[field.name];
      input.disabled = !entry;
      const moved = this.known[field.name] !== entry?.value;
      if (moved || !this.dirty.has(field.name)) { input.value = entry ? String(entry.value) : ''; this.dirty.delete(field.name); }
      this.known[field.name] = entry?.value;
      input.placeholder = entry ? '' : 'not a constant';
    }
    this.showProblems(check(this.texts()).problems.filter((p) => !p.includes('must be a number')));
  }

  showProblems(problems) {
    this.message.textContent = problems.join(' ');
    this.message.classList.toggle('is-error', problems.length > 0);
    this.root.dataset.valid = String(problems.length === 0);
  }

  async apply() {
    const { values, problems } = check(this.texts());
    if (problems.length) { this.showProblems(problems); return false; }
    this.showProblems([]);
    const found = await this.constantsOf(null);
    this.dirty.clear();
    const edits = [];
    for (const field of FIELDS) {
      const entry = found[field.name];
      if (entry && entry.value !== values[field.name]) edits.push({ span: entry, text: literal(field, values[field.name]) });
    }
    return this.onApply(edits);
  }
}
