// Python's colours, from the Lezer grammar CodeMirror parses the editor's text with: one mapping
// from the grammar's highlight tags to the page's .tok-* classes (whose colours live in
// styles/components.css), used by the editor (theme.js) and by the code panels (js/ui/code-panel.js),
// so both colour the same construct alike. The page's bundle carries the grammar for the code
// panels (~90 kB minified): loading the editor's module for it would be a 50-300 ms task, too
// long to run while training draws a frame per step.
import { parser } from '@lezer/python';
import { highlightCode, tagHighlighter, tags as t } from '@lezer/highlight';

export const pythonHighlighter = tagHighlighter([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], class: 'tok-keyword' },
  { tag: [t.string, t.special(t.string)], class: 'tok-string' },
  { tag: [t.number, t.bool, t.null], class: 'tok-number' },
  { tag: t.comment, class: 'tok-comment' },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName))], class: 'tok-function' },
  { tag: t.definition(t.className), class: 'tok-class' },
  { tag: t.propertyName, class: 'tok-property' },
  { tag: [t.operator, t.punctuation, t.bracket], class: 'tok-punct' },
]);

/**
 * The source's lines, each as its pieces of text with their class ('' for plain text). The whole
 * source is parsed at once, so a construct that spans lines (a triple-quoted string) is coloured
 * on every line it covers.
 * @param {string} source
 * @returns {Array<Array<{text: string, className: string}>>}
 */
export function colourLines(source) {
  /** @type {Array<Array<{text: string, className: string}>>} */
  const lines = [[]];
  highlightCode(
    source,
    parser.parse(source),
    pythonHighlighter,
    (text, className) => lines.at(-1).push({ text, className }),
    () => lines.push([]),
  );
  return lines;
}
