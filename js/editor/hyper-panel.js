// Hyperparameter fields that edit the script's own constants: one field per number the script
// sets at its top level or as an argparse default (the bridge's `constants`, from the AST), named
// as the script names it and explained by the script's own comment. Each shows the value the
// script has now, and Apply rewrites exactly those spans, so the code stays the one source of truth.
import { el } from '../ui/dom.js';
import { fieldsOf, check, literal } from './hyper-rules.js';

export class HyperPanel {
  constructor(root, { constantsOf, onApply }) {
    this.constantsOf = constantsOf; // source -> Promise of {name: {value, kind, help, line, col, end_line, end_col}}
    this.onApply = onApply; // (edits: [{span, text}]) -> run
    this.inputs = new Map();
    this.fields = [];
    // Fields the learner typed into since the script last changed them: a refresh from the
    // text keeps those, unless the script's own value moved (the code is the source of truth).
    this.dirty = new Set();
    this.known = {};
    this.root = root;
    this.grid = el('div', 'hyper-grid');
    this.applyButton = el('button', 'hyper-apply', 'Apply & Run');
    this.applyButton.type = 'button';
    this.applyButton.addEventListener('click', () => this.apply());
    this.message = el('p', 'hyper-message', "Reading the script's constants…");
    this.message.setAttribute('role', 'status');
    const foot = el('div', 'hyper-foot');
    foot.append(this.message, this.applyButton);
    root.append(this.grid, foot);
  }

  texts() {
    return Object.fromEntries([...this.inputs].map(([name, input]) => [name, input.value]));
  }

  // The fields follow the script: a constant added, renamed or removed adds, renames or removes one.
  layout(fields) {
    const same =
      fields.length === this.fields.length && fields.every((f, i) => f.name === this.fields[i].name && f.help === this.fields[i].help);
    if (same) return;
    this.fields = fields;
    const previous = this.inputs;
    this.inputs = new Map();
    this.grid.replaceChildren(
      ...fields.map((field) => {
        const input = previous.get(field.name) ?? el('input', 'hyper-input');
        Object.assign(input, {
          type: 'text',
          inputMode: field.kind === 'int' ? 'numeric' : 'decimal',
          spellcheck: false,
          name: field.name,
        });
        input.title = field.help || `${field.name} (${field.kind} in the script)`;
        if (!previous.has(field.name)) {
          input.addEventListener('keydown', (e) => {
            if (e.key === 'Enter') this.apply();
          });
          input.addEventListener('input', () => {
            this.dirty.add(field.name);
            this.showProblems(check(this.fields, this.texts()).problems);
          });
        }
        this.inputs.set(field.name, input);
        return el('label', 'hyper-field', [el('span', 'hyper-name', field.name), input, el('span', 'hyper-help', field.help)]);
      }),
    );
  }

  // Fills the fields from the script text (called after edits, debounced by the caller).
  async refresh(source) {
    let found;
    try {
      found = await this.constantsOf(source);
    } catch (error) {
      this.showProblems([
        error?.phase === 'parse' ? 'The script has a syntax error; fix it to edit the fields.' : String(error?.message ?? error),
      ]);
      return;
    }
    this.layout(fieldsOf(found));
    for (const field of this.fields) {
      const input = this.inputs.get(field.name);
      const moved = this.known[field.name] !== field.value;
      if (moved || !this.dirty.has(field.name)) {
        input.value = String(field.value);
        this.dirty.delete(field.name);
      }
      this.known[field.name] = field.value;
    }
    const problems = check(this.fields, this.texts()).problems;
    if (!this.fields.length)
      problems.push('The script sets no number at its top level or as an argparse default: there is nothing to edit here.');
    this.showProblems(problems);
    this.applyButton.disabled = !this.fields.length;
  }

  showProblems(problems) {
    this.message.textContent = problems.join(' ');
    this.message.classList.toggle('is-error', problems.length > 0 && this.fields.length > 0);
    this.root.dataset.valid = String(problems.length === 0);
  }

  async apply() {
    const { values, problems } = check(this.fields, this.texts());
    if (problems.length) {
      this.showProblems(problems);
      return false;
    }
    this.showProblems([]);
    const found = await this.constantsOf(null);
    this.dirty.clear();
    const edits = [];
    for (const field of fieldsOf(found)) {
      if (field.name in values && field.value !== values[field.name]) {
        edits.push({ span: found[field.name], text: literal(field, values[field.name]) });
      }
    }
    return this.onApply(edits);
  }
}
