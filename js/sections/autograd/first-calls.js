// Chapter 2's first calls (see section.js; no imports: the build runs this under Node).

export const DEFAULT_PRESET = 'a*b+c'; // the playground's first expression

export function* firstCalls() {
  yield { method: 'autograd', args: { preset: DEFAULT_PRESET } };
}
