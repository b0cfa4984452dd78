// The facts the prose states about the script, filled in from the running script.
//
// A sentence that names a figure or a line of the script marks it in the prose (index.html, chapter.html):
//   <span data-fact="num-docs">32,033</span>        the text is replaced by the fact's value
//   <span data-fact-need>...</span>                 hidden when a fact inside it is unknown
//   <span data-fact-show="eos" hidden>...</span>    shown only when the fact holds for this script
// The static text is the default script's, so the first paint reads right for it; every load
// of a script rewrites them from the bridge (info, its `outline` and `schedule`), so an edited or
// another script never leaves a sentence that is false. A fact this script does not have hides
// the sentence part that needs it.
import { tokenLabel } from './ui/vocab.js';
import { PROSE_SCHEDULE_EVERY } from './sections/training/first-calls.js';

const count = (n) => (n == null ? null : Number(n).toLocaleString('en-US'));
const short = (x) => (x == null ? null : Number(x.toPrecision(3)).toString());

// "once", "twice", "3 times": how often the layer block runs.
function times(n) {
  if (!n) return null;
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

// "a, b and c": the first documents, as the script holds them.
function examples(docs) {
  const some = (docs ?? []).slice(0, 3).filter((d) => d.length <= 24);
  if (!some.length) return null;
  return some.length === 1 ? some[0] : `${some.slice(0, -1).join(', ')} and ${some.at(-1)}`;
}

// The facts that come with `info` alone.
function infoFacts(info) {
  const vocab = info.vocab;
  const roles = info.roles ?? {};
  const f = info.facts ?? {};
  const stds = (f.init_std ?? []).map((m) => m.std);
  const nonzero = stds.filter((s) => s > 0).sort((a, b) => a - b);
  const zero = (f.init_std ?? []).filter((m) => m.std === 0).map((m) => m.name);
  const median = nonzero.length ? nonzero[Math.floor(nonzero.length / 2)] : null;
  const end = vocab ? (vocab.eos ?? vocab.bos) : null;
  return {
    'script-file': null, // set by the caller: the script's file name
    'num-docs': count(info.num_docs),
    'doc-examples': examples(info.docs_head),
    'data-file': info.data_file,
    documents: roles.documents,
    decoder: vocab?.decoder,
    bos: vocab?.bos != null ? tokenLabel(vocab, vocab.bos) : null,
    eos: vocab?.eos != null ? tokenLabel(vocab, vocab.eos) : null,
    'end-token': end != null ? tokenLabel(vocab, end) : null,
    'vocab-size': vocab ? String(vocab.size) : null,
    'ln-vocab': vocab ? Math.log(vocab.size).toFixed(2) : null,
    'max-positions': info.hyper?.max_positions != null ? String(info.hyper.max_positions) : null,
    'autograd-class': roles.autograd?.class,
    'data-attr': roles.autograd?.data,
    'grad-attr': roles.autograd?.grad,
    'chain-rule': f.chain_rule,
    container: f.container,
    'init-std':
      median == null
        ? zero.length
          ? 'exactly 0'
          : null
        : `about ${short(median)}${zero.length ? `, and exactly 0 for ${zero.join(', ')}` : ''}`,
    output: roles.output,
    'params-expr': f.params_expr,
    'model-def': f.model_def,
    'model-name': roles.model?.callee,
    'backward-stmt': f.backward_stmt,
    'moment-m': roles.moments?.[0] ?? null,
    'moment-v': roles.moments?.[1] ?? null,
    'schedule-stmt': f.schedule_stmt,
    'temperature-expr': roles.sampling?.temperature ?? null,
    'draw-stmt': f.draw_stmt,
  };
}

// Which optional sentence parts hold for this script.
function shows(info, values) {
  const vocab = info.vocab;
  return {
    decoder: values.decoder != null,
    'one-bos': vocab != null && vocab.bos != null && vocab.eos == null,
    eos: vocab != null && vocab.eos != null,
    'context-cut': info.hyper?.max_positions != null && info.hyper.max_positions < 64,
    'chain-rule': values['chain-rule'] != null,
    container: values.container != null,
    tied: info.roles?.output != null && values['token-embedding'] != null && info.roles.output === values['token-embedding'],
    schedule: values['schedule-stmt'] != null,
    sampling: info.roles?.sampling != null,
    'no-sampling': info.roles?.sampling == null,
    temperature: info.roles?.sampling?.temperature != null,
  };
}

// The facts read from the model's outline: its embeddings, layers, heads and MLP.
function outlineFacts(outline, info) {
  const items = outline.outline ?? [];
  const mlp = items.filter((i) => i.flow === 'mlp');
  const mlpMatrices = mlp.flatMap((i) => i.matrices ?? []);
  const layout = new Map((info.params?.layout ?? []).map((m) => [m.name, m]));
  const first = layout.get(mlpMatrices[0]);
  const activation = mlp.find((i) => i.op && !['add', 'mul', 'leaf'].includes(i.op) && !(i.matrices ?? []).length);
  let widen = null;
  if (first && first.rows !== first.cols) {
    const ratio = first.rows / first.cols;
    widen = `${Number.isInteger(ratio) ? ratio : ratio.toFixed(2)} times wider (${first.cols} → ${first.rows} numbers)`;
  }
  return {
    'token-embedding': outline.embedding?.token ?? null,
    'position-embedding': outline.embedding?.position ?? null,
    'n-layer-times': times(outline.layers?.count),
    'n-head': outline.layers?.heads ? String(outline.layers.heads) : null,
    'mlp-first': mlpMatrices[0] ?? null,
    'mlp-last': mlpMatrices.length > 1 ? mlpMatrices.at(-1) : null,
    'mlp-widen': widen,
    'mlp-activation': activation?.op ?? null,
  };
}

function scheduleFacts(schedule) {
  const values = schedule?.values ?? [];
  if (!values.length) return { 'schedule-range': null };
  const [s0, v0] = values[0];
  const [s1, v1] = values.at(-1);
  return { 'schedule-range': `${short(v0)} at step ${count(s0)}, ${short(v1)} at step ${count(s1)}` };
}

// A fact this script lacks hides the nearest part of the sentence marked data-fact-need.
function apply(values, showing) {
  for (const part of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-fact-need]'))) part.hidden = false;
  for (const node of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-fact]'))) {
    const key = node.dataset.fact;
    if (!(key in values)) continue;
    const value = values[key];
    node.textContent = value ?? '—';
    const part = /** @type {HTMLElement | null} */ (node.closest('[data-fact-need]'));
    if (value == null && part) part.hidden = true;
  }
  for (const node of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-fact-show]'))) {
    const key = node.dataset.factShow;
    if (key in showing) node.hidden = !showing[key];
  }
}

// Data changed: a script (re)loaded. `rpc` answers `outline` and `schedule` for it; `checkpoints`
// are the build's (js/sections/training/checkpoints.js).
export async function showScriptFacts(info, { rpc, filename, checkpoints }) {
  const values = { ...infoFacts(info), 'script-file': filename };
  const steps = checkpoints.steps();
  values['checkpoint-steps'] = steps.length ? `${steps.slice(0, -1).join(', ')} or ${steps.at(-1)}` : null;
  apply(values, shows(info, values));
  const [outline, schedule] = await Promise.all([
    rpc.call('outline', {}).catch(() => null),
    info.facts?.schedule_stmt ? rpc.call('schedule', { every: PROSE_SCHEDULE_EVERY }).catch(() => null) : null,
  ]);
  if (outline) Object.assign(values, outlineFacts(outline, info));
  Object.assign(values, scheduleFacts(schedule));
  apply(values, shows(info, values));
}
