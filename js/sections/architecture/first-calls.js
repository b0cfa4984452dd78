// Chapter 4's first calls (see section.js; no imports: the build runs this under Node).

export const FIRST_POSITION = 1; // the step-through starts on the first document's position 1

export function* firstCalls({ info }) {
  yield { method: 'outline', args: {} };
  const name = info.docs_head?.[0];
  if (name != null) yield { method: 'trace', args: { name, pos: FIRST_POSITION } };
}
