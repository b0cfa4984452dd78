// Chapter 4: what a box of the diagram says about its statement, read from the statement itself:
// its source text (from the bridge's outline), the name it binds, and what the bridge saw it do
// (rows of matrices looked up, matrices its calls used, a distribution over positions, a
// residual sum), with the sizes of the vectors the trace recorded. No name of the script is
// expected here: every name shown is the script's own.
//
//   statementText(item)           -> 'x = rmsnorm(x)' (comment dropped, spaces collapsed)
//   boxLabel(item, seen, {chars, strip}) -> {label, full}
//   boxSize(item, seen)           -> '16→64', '2', '2×4' or ''

// The statement's code without its trailing comment (a `#` outside quotes).
export function statementText(item) {
  const text = item?.text ?? '';
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return text.slice(0, i).replace(/\s+/g, ' ').trim();
  }
  return text.replace(/\s+/g, ' ').trim();
}

// A loop header (`for ...:`): its step starts the next layer or head; Python's syntax, not a name.
export function isLoopHeader(item) {
  return /^(async\s+)?(for|while)\b.*:$/.test(statementText(item));
}

// `return name` with no call: it only hands on what an earlier statement made.
export function isBareReturn(item) {
  return /^return\b/.test(statementText(item)) && !(item.calls ?? []).length;
}

// What the statement binds: 'q', 'q, k, v', 'return', or '' for an expression statement.
export function targetOf(item) {
  const text = statementText(item);
  if (/^return\b/.test(text)) return 'return';
  const m = text.match(/^([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*(?:[-+*/@%]|\*\*|\/\/)?=(?!=)/);
  return m ? m[1].replace(/\s*,\s*/g, ', ') : '';
}

// 'RMSNorm.__call__' -> 'RMSNorm'; plain function names stay.
export function shortFunc(name) {
  return String(name ?? '').replace(/\.__call__$/, '');
}

// The longest common start of names, cut after a '.' (else a '_') so what is left reads as a name.
// `deep`: cut after the last '.' or '_', whichever is later ('layer0.attn_' of 'layer0.attn_wq'
// and 'layer0.attn_wk'), for boxes too narrow to say more.
export function commonPrefix(names, { deep = false } = {}) {
  if (names.length < 2) return '';
  let prefix = names[0];
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const dot = prefix.lastIndexOf('.');
  const cut = deep ? Math.max(dot, prefix.lastIndexOf('_')) : dot >= 0 ? dot : prefix.lastIndexOf('_');
  return cut >= 0 ? prefix.slice(0, cut + 1) : '';
}

// The leaf calls the statement made, in order, each with the matrix it was given: from the
// trace's step when there is one, else from the outline (names and matrices apart).
function callChain(item, seen) {
  if (seen?.calls?.length) return seen.calls.map((c) => ({ func: c.func, matrix: c.matrix ?? null, lookup: c.lookup ?? null }));
  const matrices = item.matrices ?? [];
  const calls = item.calls ?? [];
  if (calls.length === matrices.length) return calls.map((func, i) => ({ func, matrix: matrices[i], lookup: null }));
  return calls.map((func) => ({ func, matrix: null, lookup: null }));
}

function lookupText(lookups, strip) {
  return lookups.map((l) => `${l.matrix.slice(strip.length)}[${l.by ?? l.row}]`).join(' + ');
}

function fit(label, chars) {
  return label.length <= chars ? label : `${label.slice(0, Math.max(1, chars - 1))}…`;
}

// `strip`: a prefix the box's row shares (q, k, v side by side: 'layer0.attn_'). The label is
// the first of its candidate forms that fits `chars`, from the fullest to the shortest.
export function boxLabel(item, seen, { chars = 40, strip = '' } = {}) {
  const text = statementText(item);
  const target = targetOf(item);
  const lead = target === 'return' ? 'return ' : target ? `${target} = ` : '';
  const chain = callChain(item, seen).filter((c) => !c.lookup);
  const lookups = (item.lookups?.length ? item.lookups : seen?.lookups) ?? [];
  const named = chain.filter((c) => c.matrix).map((c) => c.matrix);
  const common = strip || commonPrefix(named);
  const matrices = named.map((m) => (m.startsWith(common) ? m.slice(common.length) : m));
  const forms = [];
  if (lookups.length) forms.push(`${lead}${lookupText(lookups, strip)}`, lookupText(lookups, strip));
  else if (item.weights) {
    const how = `${chain.length ? shortFunc(chain[0].func) : 'weights'} over positions`;
    forms.push(`${lead}${how}`, how);
  } else if (chain.length && named.length === chain.length) {
    if (named.length === 1) forms.push(`${target || '→'} · ${named[0]}`);
    forms.push(`${target || '→'} · ${matrices.join(', ')}`, `${target || ''}·${matrices.join(',')}`);
  } else if (item.residual && item.in_layer) forms.push(text, `${target} + residual`);
  else if (chain.length && named.length) {
    forms.push(text, `${lead}${chain.map((c) => (c.matrix ? `·${c.matrix.slice(common.length)}` : shortFunc(c.func))).join(' → ')}`);
  }
  forms.push(text);
  const shortest = forms.reduce((a, b) => (b.length < a.length ? b : a));
  const label = forms.find((f) => f.length <= chars) ?? shortest;
  return { label: fit(label, chars), full: text };
}

// The sizes the trace recorded for the statement: in→out for a matrix, the vector's length, rows×cols.
export function boxSize(item, seen) {
  if (!seen) return item.size != null ? String(item.size) : '';
  const chain = seen.calls.filter((c) => c.matrix && !c.lookup);
  if (chain.length) {
    const n = chain[0].n_in;
    const out = chain.at(-1).n_out;
    return n != null && out != null && n !== out ? `${n}→${out}` : String(out ?? '');
  }
  if (seen.facts?.size != null) return String(seen.facts.size);
  const values = Object.values(seen.changed);
  const value = seen.returned ?? values[0];
  if (!Array.isArray(value) || !value.length) return '';
  if (value.every((v) => typeof v === 'number')) return String(value.length);
  if (value.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) return `${value.length}×${value[0].length}`;
  return '';
}

// A statement that only moves things about (binds a number, an empty list, a slice of a list of
// vectors, appends to a list): drawn as a slim box, so the computing ones stand out.
export function isMinor(item) {
  return (
    !item.op && !item.size && !(item.lookups ?? []).length && !(item.matrices ?? []).length && !(item.calls ?? []).length && !item.weights
  );
}

// Two statements side by side when they do the same thing to different data: the same shape of
// code (names, numbers and strings aside), as `k = linear(x, ...wk)` beside `q = linear(x, ...wq)`.
export function codeShape(item) {
  return statementText(item)
    .replace(/f?(['"])(?:\\.|(?!\1).)*\1/g, 's')
    .replace(/[A-Za-z_]\w*/g, 'n')
    .replace(/\d+(\.\d*)?/g, '0');
}
