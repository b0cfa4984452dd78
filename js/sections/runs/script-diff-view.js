// Two runs' scripts side by side in CodeMirror's merge view (@codemirror/merge), read-only, the
// unchanged stretches folded. It lives in the lazily loaded CodeMirror module (js/code-module.js):
// the runs chapter loads it when two runs are picked, never at boot. Layout 'split': two columns;
// 'unified': one, the changes inline (the older lines above), for a narrow screen.
import { EditorView } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { MergeView, unifiedMergeView } from '@codemirror/merge';
import { python } from '@codemirror/lang-python';
import { editorTheme } from '../../editor/theme.js';

const COLLAPSE = { margin: 2, minSize: 6 };
const readOnly = [EditorState.readOnly.of(true), EditorView.editable.of(false), python(), editorTheme];

export class ScriptDiff {
  /** @param {HTMLElement} parent @param {string} before @param {string} after @param {'split' | 'unified'} layout */
  constructor(parent, before, after, layout) {
    this.layout = layout;
    if (layout === 'split') {
      this.view = new MergeView({
        parent,
        a: { doc: before, extensions: readOnly },
        b: { doc: after, extensions: readOnly },
        collapseUnchanged: COLLAPSE,
        gutter: true,
      });
    } else {
      this.view = new EditorView({
        parent,
        state: EditorState.create({
          doc: after,
          extensions: [...readOnly, unifiedMergeView({ original: before, mergeControls: false, collapseUnchanged: COLLAPSE })],
        }),
      });
    }
  }

  destroy() {
    this.view.destroy();
  }
}
