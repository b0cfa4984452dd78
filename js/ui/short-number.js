// A number from Python, short enough for a box in a drawing: four significant digits, whole
// numbers as they are, exponent form for the very small and very large. The exact value goes
// in a tooltip or a data attribute (see py-number.js for Python's own repr).
export function shortNumber(x, digits = 4) {
  if (typeof x !== 'number') return String(x);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (Number.isInteger(x) && abs < 1e6) return String(x);
  if (abs < 1e-3 || abs >= 1e6)
    return x
      .toExponential(digits - 1)
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  return String(Number(x.toPrecision(digits)));
}
