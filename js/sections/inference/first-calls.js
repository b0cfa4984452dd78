// Chapter 7's first calls (see section.js; no imports: the build runs this under Node).

// Draw d uses seed d * SEED_STRIDE for the live sample (and the next seeds for the batch).
export const SEED_STRIDE = 1000;

// The script's own temperature, or null when its sampling loop divides by none.
export function scriptTemperature(info) {
  const t = info.hyper?.temperature;
  return typeof t === 'number' ? t : null;
}

export function* firstCalls({ info }) {
  if (info.roles?.sampling && info.vocab) yield { method: 'sample', args: { temperature: scriptTemperature(info), seed: SEED_STRIDE } };
}
