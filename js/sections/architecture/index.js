// Chapter 4: the model step by step. A block diagram drawn from the bridge's `outline` (the
// model's statements and their data flow), and a debugger-like walk through one real call: the
// bridge's `trace` runs the script's own model for a document and a position and records every
// statement of the model and of the functions it calls; Next / Prev (or the arrow keys) move
// through those statements, lighting the box, the line of code and the numbers each one made.
//
// `outline` is asked once per loaded script. The trace is fetched again (newest request wins)
// when the name or position changes, and on every change the model store announces (a script
// (re)loaded, training steps, a checkpoint import).
import { CodePanel } from '../../ui/code-panel.js';
import { el } from '../../ui/dom.js';
import { renderStatus } from '../../ui/facts.js';
import { liveCard } from '../../ui/live-card.js';
import { tokenLabel } from '../../ui/vocab.js';
import { onScreenOnly } from '../../ui/on-screen.js';
import { ArchDiagram } from './diagram.js';
import { firstOfEach, traceSteps } from './steps.js';
import { describeFinal, describeStep } from './describe.js';
import { boxLabel, statementText } from './labels.js';
import { renderCache, renderFinal, renderValues } from './values.js';
import { sectionFrame, testSignals } from '../section.js';
import { FIRST_POSITION, firstCalls } from './first-calls.js';

const HELP_TRACE = [
  'trace',
  "The script's own model is run for one position while the bridge records, after each statement, the variables it changed. Nothing here is recomputed in the page.",
];
const REFRESH_AFTER_MS = 400; // after training steps stop arriving, trace the new weights once
// The roles a trace needs, in the order their absence is told.
const NEEDED = ['training', 'documents', 'tokenizer', 'autograd', 'model'];

export const id = 'architecture';
export { firstCalls };

export function createSection(root, ctx) {
  // The step-through has its own code panel, inside its card (below): the frame has none.
  const ui = { live: sectionFrame(root, {}).live };
  ui.live.tabIndex = 0;
  ui.live.setAttribute('aria-label', 'model step-through: the left and right arrow keys step');
  ui.live.classList.add('arch-live');
  ui.live.addEventListener('keydown', onKey);
  const signals = testSignals(ui.live);
  const refreshOnScreen = onScreenOnly(root, refreshSoon);
  let info = null;
  let outline = null; // the bridge's outline for the loaded script
  let trace = null;
  let steps = [];
  let stores = [];
  let at = 0;
  let refreshTimer = 0;
  let drawn = null; // what the diagram was drawn from: {source, tail, layer}
  const items = new Map(); // statement key -> its outline item

  function update(change) {
    if (change.reason === 'load') load(change.info);
    else refreshOnScreen(); // trained, or changed by another call
  }

  function build() {
    ui.name = el('input', {
      type: 'text',
      className: 'arch-name',
      list: 'arch-names',
      spellcheck: 'false',
      'aria-label': 'document to run through the model',
    });
    ui.names = el('datalist', { id: 'arch-names' });
    ui.pos = el('select', { className: 'arch-pos', 'aria-label': 'position' });
    ui.prev = el('button', { type: 'button', className: 'arch-prev' }, '◀ Prev');
    ui.next = el('button', { type: 'button', className: 'arch-next' }, 'Next ▶');
    ui.counter = el('span', 'arch-counter');
    ui.status = el('span', { className: 'arch-status', role: 'status' });
    ui.name.addEventListener('change', pickName);
    // A suggestion picked from the list is a whole document: no need to wait for Enter.
    ui.name.addEventListener('input', () => {
      if ((info.docs_head ?? []).includes(ui.name.value)) pickName();
    });
    ui.pos.addEventListener('change', () => fetchTrace());
    ui.prev.addEventListener('click', () => go(at - 1));
    ui.next.addEventListener('click', () => go(at + 1));
    const controls = el('div', 'arch-controls', [
      el('label', null, ['document ', ui.name]),
      ui.names,
      el('label', null, ['position ', ui.pos]),
      el('span', 'arch-stepper', [ui.prev, ui.counter, ui.next]),
      ui.status,
    ]);

    const diagramCard = liveCard({ title: 'The model, statement by statement', className: 'arch-diagram-card' });
    ui.diagram = new ArchDiagram(diagramCard.body);
    const stepCard = liveCard({ title: 'Step through one call', help: HELP_TRACE, className: 'arch-step-card' });
    ui.title = el('h4', 'arch-step-title');
    ui.about = el('p', 'arch-step-about');
    ui.values = el('div', 'arch-values');
    stepCard.body.append(ui.title, ui.about);
    ui.panel = new CodePanel(stepCard.body, { show: ['model'], highlight: [], label: 'The line that ran', open: true });
    stepCard.body.append(ui.values);
    const cacheCard = liveCard({ title: 'KV cache', term: 'kv-cache', className: 'arch-cache-card' });
    ui.cache = cacheCard.body;
    ui.side = el('div', 'arch-side', [stepCard.root, cacheCard.root]);
    ui.live.replaceChildren(controls, el('div', 'arch-grid', [diagramCard.root, ui.side]));
  }

  function load(newInfo) {
    info = newInfo;
    const missing = NEEDED.map((role) => info.roles?.missing?.[role]).find(Boolean);
    if (missing) {
      trace = null;
      renderStatus(ui.live, `Nothing to step through: ${missing}.`);
      ui.name = null;
      return;
    }
    if (!ui.name || !ui.live.contains(ui.name)) build();
    ui.panel.setScript(ctx.script().source, info.phases);
    outline = null;
    trace = null;
    steps = [];
    ui.names.replaceChildren(...(info.docs_head ?? []).map((doc) => el('option', { value: doc })));
    if (!ui.name.value || !info.docs_head?.includes(ui.name.value)) ui.name.value = info.docs_head?.[0] ?? '';
    ui.pos.replaceChildren();
    fetchOutline();
    fetchTrace(FIRST_POSITION);
  }

  async function fetchOutline() {
    try {
      const result = await ctx.rpc.latest('architecture-outline', 'outline', {});
      outline = result;
      items.clear();
      for (const item of outline.outline ?? []) items.set(`${item.func}:${item.line}`, item);
      drawDiagram();
    } catch (error) {
      showError(error);
    }
  }

  // The diagram from the outline (or, until it answers, the trace's own copy of it), with the
  // sizes of the current trace.
  function drawDiagram() {
    const source = outline ?? (trace ? { outline: trace.outline, layers: trace.layers, model: info.roles?.model?.name } : null);
    if (!source) return;
    if (!outline) for (const item of source.outline ?? []) items.set(`${item.func}:${item.line}`, item);
    const tail = trace?.probs
      ? {
          title: 'the training loop, after the call',
          label: `${trace.probs_var} → ${trace.loss_var ?? '…'}`,
          full: `the loop body's lines ${trace.probs_line}${trace.loss_line ? ` and ${trace.loss_line}` : ''}`,
          size: String(trace.probs.length),
        }
      : null;
    drawn = { source, tail, layer: steps[at]?.layer ?? 0 };
    ui.diagram.draw(source, { seen: firstOfEach(steps, drawn.layer), layers: trace?.layers ?? source.layers, tail });
    if (steps.length) go(at);
  }

  // A new document: the loop's own tokenizing lines say how many positions it has.
  async function pickName() {
    ui.status.textContent = 'tokenizing…';
    ui.status.classList.remove('error');
    try {
      const result = await ctx.rpc.latest('architecture-tokenize', 'tokenize', { text: ui.name.value });
      if (result.error) {
        showError(result.error);
        return;
      }
      fillPositions(result.tokens, result.n, Number(ui.pos.value) || 1);
      ui.pos.dataset.name = ui.name.value;
      fetchTrace();
    } catch (error) {
      showError(error);
    }
  }

  // Positions 0 .. n - 1 as "p: input → target", in the script's own labels (the last target is
  // its end token).
  function fillPositions(tokens, n, keep) {
    const label = (token) => tokenLabel(info.vocab, token);
    ui.pos.replaceChildren(
      ...Array.from({ length: n }, (_, p) =>
        el('option', { value: String(p) }, `${p}: ${label(tokens[p])} → ${tokens[p + 1] != null ? label(tokens[p + 1]) : '…'}`),
      ),
    );
    ui.pos.value = String(Math.min(Math.max(0, keep), n - 1));
  }

  async function fetchTrace(pos) {
    if (!info || !ui.name) return;
    const args = { name: ui.name.value, pos: pos ?? Number(ui.pos.value) };
    ui.status.textContent = 'tracing…';
    ui.status.classList.remove('error');
    try {
      const result = await ctx.rpc.latest('architecture-trace', 'trace', args);
      const restart = !trace || trace.name !== result.name || trace.pos !== result.pos;
      trace = result;
      ({ steps, stores } = traceSteps(trace));
      // The picker shows the call drawn (an answer for a position picked a moment before the
      // newest one still arrives first, and the newest one follows it).
      if (ui.pos.options.length !== trace.positions || ui.pos.dataset.name !== trace.name) {
        fillPositions(trace.tokens, trace.positions, trace.pos);
        ui.pos.dataset.name = trace.name;
      }
      ui.pos.value = String(trace.pos);
      signals.count('traces'); // a new answer arrived
      ui.status.textContent = '';
      at = restart ? 0 : Math.min(at, steps.length - 1);
      drawDiagram();
    } catch (error) {
      showError(error);
    }
  }

  function showError(error) {
    ui.status.textContent = error?.message ?? String(error);
    ui.status.classList.add('error');
  }

  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => fetchTrace(), REFRESH_AFTER_MS);
  }

  // The phase whose lines hold a step's statement: `model` for the model, the function's own name
  // for the others; the loop body's part for the last step.
  function codeFor(step) {
    if (step.final) {
      const lines = [trace.probs_line, trace.loss_line].filter((l) => l != null);
      const forward = info.phases?.['train.forward'];
      const inside = forward && lines.every((l) => l >= forward[0] && l <= forward[1]);
      return { show: [inside ? 'train.forward' : [Math.min(...lines), Math.max(...lines)]], marked: lines.map((l) => [l, l]) };
    }
    const model = outline?.model ?? info.roles?.model?.name;
    const phase = step.func === model && info.phases?.model ? 'model' : step.func;
    return { show: [phase], marked: [[step.line, step.line]] };
  }

  // What the box of a step says (a loop header's step lights its layer or heads box).
  function boxOf(step) {
    const item = items.get(step.key);
    if (!item) return null;
    return { item, label: boxLabel(item, step, { chars: 40 }).label || statementText(item) };
  }

  function go(index) {
    if (!steps.length) return;
    at = Math.max(0, Math.min(steps.length - 1, index));
    const step = steps[at];
    const about = step.final
      ? describeFinal({ trace, vocab: info.vocab })
      : describeStep(step, { trace, vocab: info.vocab, layers: trace.layers, box: boxOf(step) });
    // In another layer, the boxes name that layer's matrices and sizes.
    if (step.layer != null && drawn && step.layer !== drawn.layer) {
      drawn.layer = step.layer;
      ui.diagram.draw(drawn.source, { seen: firstOfEach(steps, step.layer), layers: trace.layers, tail: drawn.tail });
    }
    ui.diagram.setActive(step.key, { layer: step.layer, head: step.head });
    ui.title.textContent = about.title;
    ui.title.dataset.flow = about.flow;
    ui.about.textContent = about.text;
    const code = codeFor(step);
    ui.panel.show = code.show;
    ui.panel.highlight(code.marked);
    if (step.final) renderFinal(ui.values, { info, trace });
    else renderValues(ui.values, { step, info, trace });
    renderCache(ui.cache, { step, info, trace, stores });
    ui.counter.textContent = `step ${at + 1} / ${steps.length}`;
    const focused = document.activeElement;
    ui.prev.disabled = at === 0;
    ui.next.disabled = at === steps.length - 1;
    // A focused Prev / Next that just got disabled would drop focus to the top of the page: the
    // step-through keeps it, and its arrow keys go on working.
    if ((focused === ui.prev || focused === ui.next) && /** @type {HTMLButtonElement} */ (focused).disabled) ui.live.focus();
    const shownStep = {
      step: at,
      steps: steps.length,
      block: step.key,
      flow: step.flow,
      line: step.line ?? '',
      event: step.index,
      layer: step.layer ?? '',
      head: step.head ?? '',
    };
    for (const [name, value] of Object.entries(shownStep)) signals.set(name, value);
  }

  function onKey(e) {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    const move = { ArrowRight: 1, ArrowLeft: -1 }[e.key]; // up and down still scroll the page
    if (!move || !steps.length) return;
    e.preventDefault();
    go(at + move);
  }

  return { update, dispose: () => clearTimeout(refreshTimer) };
}
