// Stands in for the CodeMirror editor until it is needed. Creating CodeMirror (its view, and a
// parse of the whole script) is one ~150–350 ms task on the page's thread, and its code is a
// third of the page's JavaScript: loaded and run during boot, it would freeze the page just as it
// first paints. So the script is shown as plain text first, and the real editor (a separate
// module, see load-code-editor.js) is loaded and replaces it when the learner reaches for it
// (pointer, focus, a key) or, once the page is idle, when the panel is on screen. Until then the
// text is kept here; the calls that need the real editor (marking an error, showing changes,
// replacing spans) load it and are applied, in order, when it is there.
import { el } from '../ui/dom.js';
import { loadCodeEditor } from './load-code-editor.js';

export class LazyEditor {
  constructor(parent, text, options) {
    this.parent = parent;
    this.options = options;
    this.pending = text;
    this.real = null;
    this.loading = null;
    this.errorsCleared = 0; // a clearErrors() cancels marks still waiting for the editor
    this.preview = el('pre', {
      className: 'script-preview',
      tabindex: '0',
      'aria-label': 'The Python script (press a key or click to edit)',
    });
    this.preview.textContent = text;
    parent.append(this.preview);
    const activate = () => this.activate();
    for (const type of ['pointerdown', 'focusin', 'keydown']) parent.addEventListener(type, activate, { once: true });
    this.whenVisibleAndIdle(activate);
  }

  whenVisibleAndIdle(activate) {
    const idle = window.requestIdleCallback ?? ((fn) => setTimeout(fn, 200));
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      // Creating the editor is a ~100-300 ms task: while a long job runs (training draws a frame
      // per step), it waits for the job to end, unless the learner reaches for the editor.
      const whenFree = () => {
        if (this.options.busy?.()) setTimeout(() => idle(whenFree, { timeout: 3000 }), 1000);
        else activate();
      };
      idle(whenFree, { timeout: 3000 });
    });
    observer.observe(this.parent);
  }

  // The real editor, once loaded (a promise; the same one on every call).
  activate() {
    this.loading ??= loadCodeEditor().then((CodeEditor) => {
      const hadFocus = this.preview.contains(document.activeElement);
      this.preview.remove();
      this.real = new CodeEditor(this.parent, this.pending, this.options);
      this.parent.dataset.editor = 'ready';
      if (hadFocus) this.real.view.focus();
      return this.real;
    });
    return this.loading;
  }

  get text() {
    return this.real ? this.real.text : this.pending;
  }

  setText(text) {
    if (this.real) {
      this.real.setText(text);
      return;
    }
    this.pending = text;
    this.preview.textContent = text;
    this.options.onChange?.(text);
  }

  // At once when the editor is there, else once it has loaded: await it before reading `text`.
  replaceSpans(edits) {
    if (this.real) return Promise.resolve(this.real.replaceSpans(edits));
    return this.activate().then((real) => real.replaceSpans(edits));
  }

  markError(line, col, message) {
    const cleared = this.errorsCleared;
    this.activate().then((real) => {
      if (cleared === this.errorsCleared) real.markError(line, col, message);
    });
  }

  showChanges(original) {
    if (original != null || this.loading) this.activate().then((real) => real.showChanges(original));
  }
  clearErrors() {
    this.errorsCleared++;
    this.real?.clearErrors();
  }
  async undo() {
    return (await this.activate()).undo();
  }
}
