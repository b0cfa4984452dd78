// A number from Python written as Python's repr() writes it, so what the page shows can be
// checked against the console or `eval`: JavaScript's shortest round-trip digits (the same
// digits Python uses), with Python's switch to exponent form (below 1e-4, from 1e16) and its
// two-digit exponent ("1.5e-05"). Python's ints and floats both arrive as JS numbers, so a whole
// number is shown without ".0".
export function pyRepr(value) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const abs = Math.abs(value);
  if (value === 0 || (abs >= 1e-4 && abs < 1e16)) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}
