// Chapter 4: one step in words, built from what the bridge saw the statement do (its flow, the
// rows it looked up and by what, the matrices its calls used, a distribution over positions, a
// residual sum, a vector stored for later positions) and from its values (a copy, a slice),
// never from a variable's name. Names that appear are the script's own, quoted as code.
//
//   describeStep(step, { trace, vocab, layers, box })  -> {title, text, flow}
import { tokenLabel } from '../../ui/vocab.js';
import { shortNumber } from '../../ui/short-number.js';
import { isNumbers, isRows, sameNumbers } from './steps.js';
import { isLoopHeader, shortFunc } from './labels.js';

const FLOW_TITLE = { embed: 'Embedding', attn: 'Attention', mlp: 'MLP', out: 'Output', layer: 'Layer', plain: 'Statement' };
const OP_WORDS = {
  add: 'a sum',
  mul: 'a product',
  relu: 'relu',
  pow: 'a power',
  tanh: 'tanh',
  exp: 'exp',
  log: 'log',
  neg: 'a negation',
  div: 'a division',
  sub: 'a difference',
};

const quote = (label) => `"${label}"`;
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// Where a vector the frame held sits inside `value`: the whole of it, or a slice of it.
function copiedFrom(value, held, name) {
  if (!isNumbers(value)) return null;
  for (const [other, v] of Object.entries(held)) {
    if (other === name || !isNumbers(v)) continue;
    if (sameNumbers(v, value)) return `a copy of ${other}`;
    if (v.length > value.length) {
      for (let start = 0; start + value.length <= v.length; start++) {
        if (value.every((x, i) => Object.is(x, v[start + i]))) return `numbers ${start}–${start + value.length - 1} of ${other}`;
      }
    }
  }
  return null;
}

function lookupPhrase(lookup, { trace, vocab }) {
  const by =
    lookup.by === 'token'
      ? `the token ${quote(tokenLabel(vocab, trace.token_id))} (id ${lookup.row})`
      : lookup.by === 'position'
        ? `the position ${trace.pos}`
        : `row index ${lookup.row}`;
  return `row ${lookup.row} of ${lookup.matrix}, picked by ${by}`;
}

function callPhrase(call) {
  if (call.lookup) return null; // said as a lookup
  const n = call.n_in != null ? plural(call.n_in, 'number') : 'a vector';
  const out = call.n_out != null && call.n_out !== call.n_in ? ` (${call.n_out} out)` : '';
  if (call.matrix) return `multiplies ${n} by the matrix ${call.matrix}${out}`;
  return `calls ${shortFunc(call.func)} on ${n}${out}`;
}

function valuePhrase(name, value, step, positions) {
  if (typeof value === 'number') return `${name} = ${shortNumber(value)}`;
  if (Array.isArray(value) && !value.length) return `${name} starts empty`;
  const before = step.before[name];
  if (isNumbers(value) && Array.isArray(before) && before.length < value.length && before.every((x, i) => Object.is(x, value[i]))) {
    return `${name} grows from ${plural(before.length, 'number')} to ${value.length}`;
  }
  const copy = copiedFrom(value, step.held, name);
  if (copy) return `${name} is ${copy}`;
  const result = step.callees.find((c) => sameNumbers(c.value, value));
  if (result) return `${name} is what ${result.func} returned`;
  if (isRows(value)) {
    const each = `${plural(value.length, 'vector')} of ${value[0].length}`;
    if (value.length === positions) return `${name}: ${each}, one per position so far`;
    return value.length === positions - 1 ? `${name}: ${each}, one per earlier position` : `${name}: ${each}`;
  }
  return null;
}

export function describeStep(step, { trace, vocab, layers, box }) {
  const flow = step.flow === 'out' ? 'loss' : step.flow;
  const where = [step.layer != null ? `layer ${step.layer}` : null, step.head != null ? `head ${step.head}` : null]
    .filter(Boolean)
    .join(', ');
  const title = `${FLOW_TITLE[step.flow] ?? 'Statement'} · ${box?.label ?? step.key}${where ? ` (${where})` : ''}`;
  const positions = trace.pos + 1;
  const phrases = [];
  if (box?.item && isLoopHeader(box.item)) {
    const round = (index, count, what) => `The ${what} loop starts round ${index + 1}${count ? ` of ${count}` : ''}`;
    phrases.push(
      step.head != null
        ? round(step.head, layers?.heads, 'head')
        : step.layer != null
          ? round(step.layer, layers?.count, 'layer')
          : 'A loop starts its next round',
    );
  }
  for (const lookup of step.lookups) phrases.push(lookupPhrase(lookup, { trace, vocab }));
  const calls = step.calls.map(callPhrase).filter(Boolean);
  if (calls.length) phrases.push(calls.join(', then '));
  const { facts } = step;
  if (facts.weights)
    phrases.push(
      `${facts.weights}: ${plural(facts.size ?? positions, 'weight')} over positions 0–${(facts.size ?? positions) - 1}, adding up to 1`,
    );
  if (facts.residual) {
    phrases.push(
      step.layer != null
        ? 'a residual connection: added number by number to a vector held from before this stage'
        : 'added number by number to a vector the function already held',
    );
  }
  for (const store of step.stored) {
    const at = store.path.length ? `${store.name}[${store.path.join('][')}]` : store.name;
    phrases.push(`this position's vector is stored in ${at}, which now holds ${plural(store.count, 'position')}`);
  }
  const said =
    step.stored.length || facts.weights
      ? []
      : Object.entries(step.changed)
          .map(([name, value]) => valuePhrase(name, value, step, positions))
          .filter(Boolean);
  phrases.push(...said);
  for (const callee of step.callees) {
    if (!said.some((p) => p.includes(`what ${callee.func} returned`))) phrases.push(`takes what ${callee.func} returned`);
  }
  const opWord = OP_WORDS[facts.op];
  const leafOnly = calls.length && !step.callees.length;
  if (!step.lookups.length && !leafOnly && !facts.weights && !facts.residual && opWord && facts.size && !said.length) {
    phrases.push(`${plural(facts.size, 'number')}, each made by ${opWord}${facts.size === positions ? ', one per position so far' : ''}`);
  }
  if (step.returned !== undefined) {
    phrases.push(Array.isArray(step.returned) ? `returns ${plural(step.returned.length, 'number')}` : 'returns');
  }
  if (!phrases.length) phrases.push(`binds ${Object.keys(step.changed).join(', ') || 'nothing new'}`);
  const text = phrases.join('; ');
  // A sentence that starts with one of the script's names keeps its case.
  const names = [...Object.keys(step.changed), ...step.stored.map((s) => s.name)];
  const first = text.match(/^[\w.]+/)?.[0];
  const start = names.includes(first) ? text[0] : text[0].toUpperCase();
  return { title, flow, text: `${start}${text.slice(1)}.` };
}

// The last step: the loop body's own statements after the call.
export function describeFinal({ trace, vocab }) {
  if (!trace.probs) {
    return {
      title: 'After the call',
      flow: 'loss',
      text: 'The loop body made no distribution over the next token after this call (no list of one probability per token that adds up to 1).',
    };
  }
  const target = trace.target_id != null ? quote(tokenLabel(vocab, trace.target_id)) : null;
  const parts = [`The training loop turns the scores into ${trace.probs_var} (line ${trace.probs_line}), one probability per token`];
  if (trace.loss_var != null)
    parts.push(`then ${trace.loss_var} (line ${trace.loss_line}), this position's loss term${target ? ` for the target ${target}` : ''}`);
  return { title: 'Output · next-token probabilities and loss term', flow: 'loss', text: `${parts.join('; ')}.` };
}
