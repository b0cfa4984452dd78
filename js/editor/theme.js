// The editor's look, from the page's own tokens (styles/tokens.css): CodeMirror themes are CSS
// in JS, so the colours are the page's CSS variables; the syntax is coloured by the .tok-* classes
// the code panels use too (python-colours.js; their colours are in styles/components.css).
import { EditorView } from '@codemirror/view';
import { syntaxHighlighting } from '@codemirror/language';
import { pythonHighlighter } from './python-colours.js';

const chrome = EditorView.theme(
  {
    '&': { color: 'var(--text)', backgroundColor: 'var(--bg-sunken)', fontSize: '13px', height: '100%' },
    '&.cm-focused': { outline: 'none' },
    '.cm-scroller': { fontFamily: 'var(--font-code)', lineHeight: '1.6' },
    '.cm-content': { caretColor: 'var(--accent)', padding: '8px 0' },
    '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)', borderLeftWidth: '2px' },
    '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
      backgroundColor: 'rgba(199, 146, 234, 0.22)',
    },
    '.cm-activeLine': { backgroundColor: 'rgba(255, 255, 255, 0.035)' },
    '.cm-gutters': {
      backgroundColor: 'var(--bg-sunken)',
      color: 'var(--text-faint)',
      border: 'none',
      borderRight: '1px solid var(--line)',
    },
    '.cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)', color: 'var(--text)' },
    '.cm-foldPlaceholder': { backgroundColor: 'var(--bg-hover)', border: '1px solid var(--line-strong)', color: 'var(--text-dim)' },
    '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': {
      backgroundColor: 'var(--neutral-soft)',
      outline: '1px solid var(--neutral)',
    },
    '.cm-searchMatch': { backgroundColor: 'rgba(255, 203, 107, 0.22)', outline: '1px solid rgba(255, 203, 107, 0.5)' },
    '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'rgba(255, 203, 107, 0.4)' },
    '.cm-panels': { backgroundColor: 'var(--bg-raised)', color: 'var(--text)' },
    '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--line)' },
    '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--line)' },
    '.cm-panel input, .cm-panel button, .cm-textfield': {
      backgroundColor: 'var(--bg-sunken)',
      color: 'var(--text)',
      border: '1px solid var(--line-strong)',
      borderRadius: 'var(--radius-small)',
      fontFamily: 'var(--font-prose)',
    },
    '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--bg-hover)', color: 'var(--text)' },
    '.cm-tooltip': {
      backgroundColor: 'var(--bg-raised)',
      color: 'var(--text)',
      border: '1px solid var(--line-strong)',
      borderRadius: 'var(--radius-small)',
    },
    '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--bg-hover)', color: 'var(--text)' },
    '.cm-diagnostic-error': { borderLeftColor: 'var(--error)' },
    '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--error)', textUnderlineOffset: '3px' },
    '.cm-error-line': { backgroundColor: 'var(--flow-loss-soft)' },
  },
  { dark: true },
);

export const editorTheme = [chrome, syntaxHighlighting(pythonHighlighter)];
