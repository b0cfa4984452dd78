// Chapter 1's first calls, declared once for the page (dataset/index.js, dataset/tokenize.js) and for
// the build's first frame (py/builder/first_frame.mjs records their answers): see section.js.
// No imports: the build runs this module under Node as it is.

export const FIRST_TEXT = 'emma'; // the tokenizer's text before the learner types one

export function* firstCalls({ answer }) {
  yield { method: 'vocab', args: {} };
  yield { method: 'tokenize', args: { text: FIRST_TEXT } };
  const longest = answer('vocab')?.longest?.[0]; // the longest document, told against the positions
  if (longest != null) yield { method: 'tokenize', args: { text: longest } };
}
