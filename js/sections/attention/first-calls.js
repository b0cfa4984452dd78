// Chapter 5's first calls (see section.js; no imports: the build runs this under Node).

export const DEFAULT_WORD = 'cat'; // the word looked at before the learner types one

export function* firstCalls() {
  yield { method: 'attention', args: { word: DEFAULT_WORD } };
}
