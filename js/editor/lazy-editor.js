// Stands in for the CodeMirror editor until it is needed. Creating CodeMirror (its view, and a
// parse of the whole script) is one ~150–350 ms task on the page's thread: done during boot, it
// would freeze the page just as it first paints. So the script is shown as plain text first, and
// the real editor replaces it when the learner reaches for it (pointer, focus, a key) or, once
// the page is idle, when the panel is on screen. Until then every call works on the text alone;
// the ones that need the real editor (marking an error, showing changes) create it.
import { el } from '../ui/dom.js';
import { CodeEditor } from './code-editor.js';

export class LazyEditor {
  constructor(parent, text, options) {
    this.parent = parent;
    this.options = options;
    this.pending = text;
    this.real = null;
    this.preview = el('pre', { className: 'script-preview', tabindex: '0', 'aria-label': 'The Python script (press a key or click to edit)' });
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
      idle(activate, { timeout: 3000 });
    });
    observer.observe(this.parent);
  }

  activate() {
    if (this.real) return this.real;
    const hadFocus = this.preview.contains(document.activeElement);
    this.preview.remove();
    this.real = new CodeEditor(this.parent, this.pending, this.options);
    this.parent.dataset.editor = 'ready';
    if (hadFocus) this.real.view.focus();
    return this.real;
  }

  get text() { return this.real ? this.real.text : this.pending; }

  setText(text) {
    if (this.real) { this.real.setText(text); return; }
    this.pending = text;
    this.preview.textContent = text;
    this.options.onChange?.(text);
  }

  replaceSpans(edits) { this.activate().replaceSpans(edits); }
  markError(line, col, message) { this.activate().markError(line, col, message); }
  showChanges(original) { if (original != null || this.real) this.activate().showChanges(original); }
  clearErrors() { this.real?.clearErrors(); }
  undo() { return this.activate().undo(); }
}
