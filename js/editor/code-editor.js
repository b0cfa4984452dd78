// The script in a real editor: CodeMirror 6 (bundled at build time, nothing fetched), Python
// mode, line numbers, search, undo. The rest of the page talks to it through this small class,
// so CodeMirror's API stays in this one file.
import { basicSetup } from 'codemirror';
import { EditorView, Decoration, keymap } from '@codemirror/view';
import { EditorState, StateEffect, StateField, Compartment } from '@codemirror/state';
import { unifiedMergeView } from '@codemirror/merge';
import { python } from '@codemirror/lang-python';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { undo } from '@codemirror/commands';
import { editorTheme } from './theme.js';

// A whole-line tint for the line an error points at, kept until the text changes or a run
// succeeds: the underline alone is easy to miss on a long line.
/** @type {import('@codemirror/state').StateEffectType<import('@codemirror/view').DecorationSet>} */
const setErrorLine = StateEffect.define();
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) if (e.is(setErrorLine)) return e.value;
    return tr.docChanged ? Decoration.none : deco.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});
const lineMark = Decoration.line({ class: 'cm-error-line' });

// "Changes": the edits against the original script, inline (deleted lines shown above the new
// ones). Only a Revert button per change: "accept" would rewrite the original, which is fixed.
const diffSlot = new Compartment();
function changesView(original) {
  const controls = (type, action) => {
    if (type !== 'reject') return document.createElement('span');
    const b = Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'cm-revert',
      textContent: 'Revert',
      title: 'Put the original lines back',
    });
    b.addEventListener('mousedown', action);
    return b;
  };
  return unifiedMergeView({
    original,
    gutter: true,
    highlightChanges: true,
    mergeControls: controls,
    collapseUnchanged: { margin: 2, minSize: 6 },
  });
}

export class CodeEditor {
  /** @param {HTMLElement} parent @param {string} text @param {{onChange?: (text: string) => void, onRun?: () => void}} [options] */
  constructor(parent, text, { onChange, onRun } = {}) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                onRun?.();
                return true;
              },
            },
          ]),
          basicSetup,
          python(),
          lintGutter(),
          errorLine,
          diffSlot.of([]),
          editorTheme,
          // tabindex: the content is focusable anyway (contenteditable), but saying so lets
          // checkers see that the scrolling editor has keyboard access.
          EditorView.contentAttributes.of({ 'aria-label': 'The Python script', tabindex: '0' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange?.(this.text);
          }),
        ],
      }),
    });
  }

  get text() {
    return this.view.state.doc.toString();
  }

  // Replaces the whole text as one undoable change (Reset, an opened file).
  setText(text) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }

  // Replaces spans given as {line (1-based), col, end_line, end_col (0-based)} in one undoable change.
  replaceSpans(edits) {
    const changes = edits.map(({ span, text }) => ({
      from: this.offset(span.line, span.col),
      to: this.offset(span.end_line, span.end_col),
      insert: text,
    }));
    this.view.dispatch({ changes });
  }

  offset(line, col) {
    const doc = this.view.state.doc;
    const l = doc.line(Math.min(Math.max(1, line), doc.lines));
    return Math.min(l.from + Math.max(0, col), l.to);
  }

  undo() {
    return undo(this.view);
  }

  // original: the text to compare with, or null to hide the changes.
  showChanges(original) {
    this.view.dispatch({ effects: diffSlot.reconfigure(original == null ? [] : changesView(original)) });
  }

  // Marks an error at (line, col 1-based) with a diagnostic (underline + gutter + hover message)
  // and a tinted line, and scrolls it into view.
  markError(line, col, message) {
    const doc = this.view.state.doc;
    if (!line || line > doc.lines) return;
    const l = doc.line(line);
    const from = col ? Math.min(l.from + col - 1, l.to) : l.from;
    const to = Math.max(Math.min(from + 1, l.to), col ? from : l.to);
    /** @type {import('@codemirror/lint').Diagnostic[]} */
    const diagnostics = [{ from, to: to > from ? to : l.to, severity: 'error', message }];
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
    this.view.dispatch({
      effects: [setErrorLine.of(Decoration.set([lineMark.range(l.from)])), EditorView.scrollIntoView(from, { y: 'center' })],
    });
  }

  clearErrors() {
    this.view.dispatch(setDiagnostics(this.view.state, []));
    this.view.dispatch({ effects: setErrorLine.of(Decoration.none) });
  }
}
