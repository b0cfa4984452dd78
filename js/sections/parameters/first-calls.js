// Chapter 3's first calls (see section.js; no imports: the build runs this under Node).

export function* firstCalls() {
  yield { method: 'outline', args: {} }; // what each matrix is for
  yield { method: 'params', args: {} };
}
