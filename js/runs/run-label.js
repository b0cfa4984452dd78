// A run's name: what differs from the built-in script, in the fewest words that tell two runs
// apart ("n_embd 16 -> 32", "relu() -> relu()**2", "my-names.txt"). Pure: the constants come from
// the bridge's `constants` method (the script stays the one source of truth for its numbers).
//
//   runLabel({source, builtinSource, constants, builtinConstants, datasetName}) -> string
//     constants: {name: {value}} of `source` and of the built-in script (null when unknown)
//     datasetName: the opened data set's file name, null for the built-in names list

const MAX_SIDE = 28; // characters of each side of a line diff before it is cut with "…"
// Beyond this many changed lines the first one does not say what the edit is (another copy of
// microgpt.py, say): the label counts them instead.
const MAX_REGION = 12;

export function runLabel({ source, builtinSource, constants = null, builtinConstants = null, datasetName = null }) {
  const parts = [];
  const changed = constantChanges(constants, builtinConstants);
  if (changed.length) parts.push(...changed);
  else if (source !== builtinSource) parts.push(lineChange(builtinSource ?? '', source ?? ''));
  if (datasetName) parts.push(datasetName);
  return parts.filter(Boolean).join(', ') || 'built-in';
}

// "n_embd 16 -> 32" for each constant both scripts set to different values, in the edit's order.
export function constantChanges(constants, builtinConstants) {
  if (!constants || !builtinConstants) return [];
  const out = [];
  for (const [name, entry] of Object.entries(constants)) {
    const before = builtinConstants[name];
    if (before && before.value !== entry.value) out.push(`${name} ${show(before.value)} -> ${show(entry.value)}`);
  }
  return out;
}

// The first changed line, as a short token diff: the tokens both versions share at the line's
// start and end are dropped, and a side left with no word grows back to the word before it.
export function lineChange(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= i && endB >= i && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  if (endA < i && endB < i) return '';
  const region = Math.max(endA, endB) - i + 1;
  if (region > MAX_REGION) return `another script (${region} lines differ)`;
  if (endA < i) return `+ ${cut(b[i].trim())}`; // lines added only
  if (endB < i) return `- ${cut(a[i].trim())}`; // lines removed only
  return tokenDiff(a[i], b[i]);
}

export function tokenDiff(lineA, lineB) {
  const ta = tokens(lineA);
  const tb = tokens(lineB);
  let start = 0;
  while (start < ta.length && start < tb.length && ta[start] === tb[start]) start++;
  let end = 0; // tokens shared at the end
  while (end < ta.length - start && end < tb.length - start && ta[ta.length - 1 - end] === tb[tb.length - 1 - end]) end++;
  // Grow back to a word, so that "**2" added after "relu()" reads "relu() -> relu()**2".
  const hasWord = (list) => list.some((t) => /\w/.test(t));
  while (start > 0 && !(hasWord(ta.slice(start, ta.length - end)) && hasWord(tb.slice(start, tb.length - end)))) start--;
  const side = (list) => cut(list.slice(start, list.length - end).join(''));
  const from = side(ta);
  const to = side(tb);
  if (from === to) return `line ${cut(lineB.trim())}`; // only spacing differs
  return `${from || '∅'} -> ${to || '∅'}`;
}

// Words, numbers, operators (two-character ones kept whole) and the spaces between them (kept,
// so that a side joins back into the text it was cut from; trimmed at the ends by cut()).
function tokens(line) {
  return line.match(/\s+|\w+|\*\*|\/\/|[=!<>]=|->|\S/g) ?? [];
}

function cut(text) {
  const t = text.trim();
  return t.length > MAX_SIDE ? `${t.slice(0, MAX_SIDE - 1)}…` : t;
}

function show(value) {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
