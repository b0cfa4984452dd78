// Chapter 4: gpt() step by step. A block diagram drawn from the script's sizes, and a debugger-
// like walk through one real call: the bridge's `trace` runs the script's own gpt() for a name
// and a position and records every statement; Next / Prev (or the arrow keys) move through
// those statements, lighting the block, the line of code and the numbers each one produced.
//
// The trace is fetched again (newest request wins) when the name or position changes, when a
// script is (re)loaded, and after the parameters change (training steps, checkpoint import).
import { CodePanel } from '../ui/code-panel.js';
import { el } from '../ui/dom.js';
import { renderStatus } from '../ui/facts.js';
import { liveCard } from '../ui/live-card.js';
import { ArchDiagram } from './architecture-diagram.js';
import { traceSteps } from './architecture-steps.js';
import { describe, renderCache, renderValues } from './architecture-values.js';
import { onScreenOnly } from '../ui/on-screen.js';

const HELP_TRACE = ['trace', 'The script\'s own gpt() is run for one position while the bridge records, after each statement, the variables it changed. Nothing here is recomputed in the page.'];
const REFRESH_AFTER_MS = 400; // after training steps stop arriving, trace the new weights once

let ctx;
let info = null;
let trace = null;
let steps = [];
let at = 0;
let refreshTimer = 0;
const ui = {};

function mount(root, context) {
  ctx = context;
  ui.live = el('div', { className: 'live-body arch-live', tabindex: '0', 'aria-label': 'gpt() step-through: the left and right arrow keys step' });
  renderStatus(ui.live, 'Waiting for Python…');
  root.append(ui.live);
  ui.live.addEventListener('keydown', onKey);
  const refreshOnScreen = onScreenOnly(root, refreshSoon);
  ctx.rpc.on('step', () => refreshOnScreen());
  ctx.rpc.on('model-changed', ({ method }) => { if (method !== 'load') refreshOnScreen(); });
}

function build() {
  ui.name = el('input', { type: 'text', className: 'arch-name', list: 'arch-names', spellcheck: 'false', 'aria-label': 'name to run through gpt()' });
  ui.names = el('datalist', { id: 'arch-names' });
  ui.pos = el('select', { className: 'arch-pos', 'aria-label': 'position' });
  ui.prev = el('button', { type: 'button', className: 'arch-prev' }, '◀ Prev');
  ui.next = el('button', { type: 'button', className: 'arch-next' }, 'Next ▶');
  ui.counter = el('span', 'arch-counter');
  ui.status = el('span', 'arch-status');
  const pickName = () => { fillPositions(); fetchTrace(); };
  ui.name.addEventListener('change', pickName);
  // A suggestion picked from the list is a whole name: no need to wait for Enter.
  ui.name.addEventListener('input', () => { if ((info.docs_head ?? []).includes(ui.name.value)) pickName(); });
  ui.pos.addEventListener('change', fetchTrace);
  ui.prev.addEventListener('click', () => go(at - 1));
  ui.next.addEventListener('click', () => go(at + 1));
  const controls = el('div', 'arch-controls', [
    el('label', null, ['name ', ui.name]), ui.names,
    el('label', null, ['position ', ui.pos]),
    el('span', 'arch-stepper', [ui.prev, ui.counter, ui.next]),
    ui.status,
  ]);

  const diagramCard = liveCard({ title: 'gpt()', className: 'arch-diagram-card' });
  ui.diagram = new ArchDiagram(diagramCard.body);
  const stepCard = liveCard({ title: 'Step through one call', help: HELP_TRACE, className: 'arch-step-card' });
  ui.title = el('h4', 'arch-step-title');
  ui.about = el('p', 'arch-step-about');
  ui.values = el('div', 'arch-values');
  stepCard.body.append(ui.title, ui.about);
  ui.panel = new CodePanel(stepCard.body, { show: ['gpt'], highlight: [], label: 'The line that ran', open: true });
  stepCard.body.append(ui.values);
  const cacheCard = liveCard({ title: 'KV cache', term: 'kv-cache', className: 'arch-cache-card' });
  ui.cache = cacheCard.body;
  ui.side = el('div', 'arch-side', [stepCard.root, cacheCard.root]);
  ui.live.replaceChildren(controls, el('div', 'arch-grid', [diagramCard.root, ui.side]));
}

function update(newInfo) {
  info = newInfo;
  if (!info.phases?.gpt || !info.hyper?.n_layer) {
    trace = null;
    renderStatus(ui.live, 'This script has no gpt() with n_layer layers to step through.');
    ui.name = null;
    return;
  }
  if (!ui.name || !ui.live.contains(ui.name)) build();
  ui.panel.setScript(ctx.script().source, info.phases);
  ui.diagram.draw(info);
  ui.names.replaceChildren(...(info.docs_head ?? []).map((doc) => el('option', { value: doc })));
  if (!ui.name.value) ui.name.value = info.docs_head?.[0] ?? '';
  fillPositions(1);
  fetchTrace();
}

// Positions 0 .. min(len(tokens) - 1, block_size) - 1, as the training loop's `n`; tokens are
// BOS + one per character + BOS.
function fillPositions(prefer) {
  const chars = [...ui.name.value];
  const limit = Math.max(1, Math.min(chars.length + 1, info.hyper.block_size ?? chars.length + 1));
  const keep = prefer ?? Number(ui.pos.value) ?? 0;
  ui.pos.replaceChildren(...Array.from({ length: limit }, (_, p) => {
    const input = p === 0 ? 'BOS' : chars[p - 1];
    const target = p < chars.length ? chars[p] : 'BOS';
    return el('option', { value: String(p) }, `${p}: ${input} → ${target}`);
  }));
  ui.pos.value = String(Math.min(Math.max(0, keep || 0), limit - 1));
}

async function fetchTrace() {
  if (!info || !ui.name) return;
  const args = { name: ui.name.value, pos: Number(ui.pos.value) };
  ui.status.textContent = 'tracing…';
  ui.status.classList.remove('error');
  try {
    const result = await ctx.rpc.latest('architecture-trace', 'trace', args);
    const restart = !trace || trace.name !== result.name || trace.pos !== result.pos;
    trace = result;
    steps = traceSteps(trace);
    ui.live.dataset.traces = String(Number(ui.live.dataset.traces ?? 0) + 1); // for tests: a new answer arrived
    ui.status.textContent = '';
    go(restart ? 0 : Math.min(at, steps.length - 1));
  } catch (error) {
    if (error?.type === 'Superseded') return;
    ui.status.textContent = error?.message ?? String(error);
    ui.status.classList.add('error');
  }
}

function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(fetchTrace, REFRESH_AFTER_MS);
}

function go(index) {
  if (!steps.length) return;
  at = Math.max(0, Math.min(steps.length - 1, index));
  const step = steps[at];
  const about = describe(step.block, info.hyper);
  ui.diagram.setActive(step.block);
  ui.title.textContent = step.head == null ? about.title : `${about.title} · head ${step.head}`;
  ui.title.dataset.flow = about.flow;
  ui.about.textContent = about.text;
  ui.panel.highlight(step.line ? [[step.line, step.line]] : []);
  renderValues(ui.values, { step, info, trace });
  renderCache(ui.cache, { step, info, trace });
  ui.counter.textContent = `step ${at + 1} / ${steps.length}`;
  const focused = document.activeElement;
  ui.prev.disabled = at === 0;
  ui.next.disabled = at === steps.length - 1;
  // A focused Prev / Next that just got disabled would drop focus to the top of the page: the
  // step-through keeps it, and its arrow keys go on working.
  if ((focused === ui.prev || focused === ui.next) && focused.disabled) ui.live.focus();
  Object.assign(ui.live.dataset, { step: String(at), steps: String(steps.length), block: step.block, line: String(step.line ?? ''), event: String(step.index) });
}

function onKey(e) {
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
  const move = { ArrowRight: 1, ArrowLeft: -1 }[e.key]; // up and down still scroll the page
  if (!move || !steps.length) return;
  e.preventDefault();
  go(at + move);
}

export default { id: 'architecture', mount, update };
