// The autograd playground: a small expression built with the script's own autograd class,
// drawn as a graph. Sliders change the inputs (a new forward pass in the worker, newest request wins),
// "Backward" replays the script's backward(), and a typed expression is checked by Python.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { scrollCue } from '../../ui/scroll-cue.js';
import { DagView } from '../../ui/dag.js';
import { shortNumber } from '../../ui/short-number.js';
import { pyRepr } from '../../ui/py-number.js';
import { BackwardAnimation } from './backward.js';
import { dagGraph, nodeName, opMethod } from './view.js';
import { DEFAULT_PRESET } from './first-calls.js';

// The bridge's preset names (bridge/autograd.py PRESETS) with the words the page shows. Only
// those the script's class supports are offered (the answer's `presets`); a preset the page
// has no words for shows its name.
/** @type {[string, string][]} */
const PRESETS = [
  ['a*b+c', 'a·b + c'],
  ['addition', 'Addition'],
  ['multiplication', 'Multiplication'],
  ['log+exp', 'Log + Exp (softmax fragment)'],
  ['relu', 'ReLU'],
];
const INPUTS = ['a', 'b', 'c'];
const RANGE = { min: -10, max: 10, step: 0.1 };
const START = { a: 2, b: -3, c: 10 };

export class AutogradToy {
  constructor(container, { rpc, onCode }) {
    this.rpc = rpc;
    this.onCode = onCode;
    this.inputs = { ...START };
    /** @type {{ preset?: string, expr?: string }} */
    this.request = { preset: DEFAULT_PRESET }; // what the graph was built from: a preset or an expr
    this.result = null;
    this.phases = {};
    this.backward = 'backward()';
    const card = liveCard({ title: 'A graph you can pull on', className: 'ag-toy' });
    this.root = card.root;
    this.root.dataset.state = 'waiting';
    card.body.append(this.buildControls(), this.buildGraph(), this.buildChecks());
    container.append(card.root);
  }

  // A (re)loaded script: its class's methods (for the code panel) and its names.
  setScript(info) {
    this.phases = info.phases ?? {};
    this.backward = `${info.roles?.autograd?.backward ?? 'backward'}()`;
    this.animation.setScript({ autograd: info.roles?.autograd, chainRule: info.facts?.chain_rule, phases: this.phases });
    this.presetsShown = null;
    this.result = null; // the old script's graph is not this one's
  }

  // The presets this script's class supports, as buttons (made again only when they change).
  showPresets(keys) {
    if (!keys || this.presetsShown === keys.join()) return;
    this.presetsShown = keys.join();
    const words = new Map(PRESETS);
    this.presetButtons = keys.map((key) => {
      const b = el('button', { type: 'button', className: 'ag-preset', dataset: { preset: key } }, words.get(key) ?? key);
      b.addEventListener('click', () => this.build({ preset: key }));
      return b;
    });
    this.presetRow.replaceChildren(el('span', 'ag-presets-label', 'Presets:'), ...this.presetButtons);
    this.markPreset();
  }

  buildControls() {
    this.presetButtons = [];
    this.field = el('input', {
      type: 'text',
      className: 'ag-expr',
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-label': 'Your own expression in a, b and c',
      placeholder: '(a*b).exp() / (a + 1)',
    });
    const go = el('button', { type: 'button', className: 'ag-expr-go' }, 'Build');
    const submit = () => this.build({ expr: this.field.value });
    go.addEventListener('click', submit);
    this.field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') submit();
    });
    this.fieldStatus = el('span', { className: 'ag-expr-status', role: 'status', 'aria-live': 'polite' });
    const form = el('div', 'ag-expr-row', [el('label', 'ag-expr-label', 'Your own:'), this.field, go, this.fieldStatus]);

    this.sliders = new Map();
    const sliders = INPUTS.map((name) => {
      const input = el('input', {
        type: 'range',
        min: RANGE.min,
        max: RANGE.max,
        step: RANGE.step,
        value: this.inputs[name],
        'aria-label': `input ${name}`,
        dataset: { input: name },
      });
      const out = el('output', 'ag-slider-value', shortNumber(this.inputs[name]));
      input.addEventListener('input', () => {
        this.inputs[name] = Number(input.value);
        out.textContent = shortNumber(this.inputs[name]);
        this.forward();
      });
      const row = el('label', 'ag-slider', [el('span', 'ag-slider-name', name), input, out]);
      this.sliders.set(name, { input, out, row });
      return row;
    });
    this.presetRow = el('div', 'ag-presets', el('span', 'ag-presets-label', 'Presets:'));
    return el('div', 'ag-controls', [this.presetRow, form, el('div', 'ag-sliders', sliders)]);
  }

  buildGraph() {
    this.dagBox = scrollCue(el('div', 'ag-dag', el('p', 'live-status ag-wait', 'Waiting for Python…')));
    this.dag = new DagView(this.dagBox, {
      label: "The expression as a graph of the script's autograd nodes",
      minScale: 1, // never shrunk: its labels stay at 12 px, a wide graph scrolls sideways
      maxScale: 1.2, // a three-box graph need not look lost in the panel
      onHover: (id) => this.hover(id),
    });
    this.playButton = el('button', { type: 'button', className: 'ag-backward primary' }, 'Backward');
    this.stepButton = el('button', { type: 'button', className: 'ag-step-button' }, 'Step');
    this.resetButton = el('button', { type: 'button', className: 'ag-reset' }, 'Clear grads');
    this.playButton.addEventListener('click', () => this.animation.play());
    this.stepButton.addEventListener('click', () => this.animation.step());
    this.resetButton.addEventListener('click', () => this.animation.load(this.result));
    this.caption = el('div', { className: 'ag-step', 'aria-live': 'polite' });
    this.animation = new BackwardAnimation({
      dag: this.dag,
      caption: this.caption,
      onCode: (phases) => {
        this.codeNow = phases;
        this.onCode(phases);
      },
      onState: (state) => this.animationState(state),
    });
    const legend = el('div', 'ag-legend', [
      el('span', 'ag-key role-input', 'input'),
      el('span', 'ag-key role-expr', 'operation'),
      el('span', 'ag-key role-hidden', 'made inside a method'),
      el('span', 'ag-key role-const', 'constant'),
      el('span', 'ag-key role-output', 'output'),
      el('span', 'ag-key edge', 'edge: local gradient'),
      el('span', 'ag-key grad', 'grad'),
    ]);
    const buttons = el('div', 'ag-buttons', [this.playButton, this.stepButton, this.resetButton]);
    return el('div', 'ag-graph', [legend, this.dagBox, el('div', 'ag-step-row', [buttons, this.caption])]);
  }

  buildChecks() {
    this.checks = el('div', 'ag-checks');
    return this.checks;
  }

  // A new graph: a preset or the reader's expression. A bad expression keeps the last graph.
  async build(request) {
    this.request = request;
    this.markPreset();
    this.setBusy(true); // Backward on the old graph would be undone the moment the new one lands
    let retry = false;
    try {
      // A preset starts from its own inputs (the bridge's, which its answer carries); the
      // reader's own expression keeps the sliders where they are.
      const result = await this.rpc.call('autograd', request.preset ? request : { ...request, inputs: this.inputs });
      if (request.preset) this.setInputs(result.inputs);
      this.show(result, true);
      if (request.preset) this.field.value = result.expr;
    } catch (error) {
      // A new script whose class lacks the preset's methods: start it on the plain preset.
      retry = Boolean(request.preset && request.preset !== DEFAULT_PRESET && !this.result);
      if (!retry) this.showError(error);
      if (this.result) this.request = this.result.preset ? { preset: this.result.preset } : { expr: this.result.expr };
      this.markPreset();
    } finally {
      this.setBusy(false);
    }
    if (retry) await this.build({ preset: DEFAULT_PRESET });
  }

  // The sliders show `inputs` (the names the sliders have; others are left as they are).
  setInputs(inputs) {
    for (const [name, s] of this.sliders) {
      if (typeof inputs?.[name] !== 'number') continue;
      this.inputs[name] = inputs[name];
      s.input.value = String(inputs[name]);
      s.out.textContent = shortNumber(inputs[name]);
    }
  }

  setBusy(busy) {
    this.busy = busy;
    this.root.dataset.busy = String(busy);
    this.playButton.disabled = busy;
    this.stepButton.disabled = busy || this.root.dataset.backward === 'playing';
    this.resetButton.disabled = busy;
  }

  // Same graph, new inputs: the forward pass runs again in the worker; newest request wins.
  async forward() {
    if (!this.result) return;
    const sent = performance.now();
    try {
      const result = await this.rpc.latest('autograd-inputs', 'autograd', { ...this.request, inputs: this.inputs });
      this.show(result, false);
      this.root.dataset.roundtripMs = (performance.now() - sent).toFixed(1);
    } catch (error) {
      this.showError(error);
    }
  }

  show(result, isNew) {
    this.result = result;
    this.showPresets(result.presets);
    this.animation.stop();
    const { nodes, edges } = dagGraph(result);
    this.dag.setGraph(nodes, edges);
    this.animation.load(result); // a new forward pass: new Values, no grads until backward() runs
    for (const n of result.nodes) {
      // exact numbers for tests and the curious; the boxes round them
      const g = this.dag.nodeElement(n.id);
      g.dataset.data = String(n.data);
      g.dataset.label = nodeName(n);
    }
    const used = new Set(result.nodes.filter((n) => n.kind === 'input').map((n) => n.label));
    for (const [name, s] of this.sliders) s.row.classList.toggle('unused', !used.has(name));
    if (isNew) this.dagBox.scrollLeft = 0;
    this.root.dataset.state = 'ready';
    this.root.dataset.expr = result.expr;
    this.renderChecks(false);
  }

  showError(error) {
    this.fieldStatus.className = 'ag-expr-status error';
    this.fieldStatus.textContent = `${error?.message ?? error}${error?.col ? ` (column ${error.col})` : ''}`;
    this.root.dataset.state = this.result ? 'ready' : 'error';
  }

  markPreset() {
    for (const b of this.presetButtons) b.setAttribute('aria-pressed', String(b.dataset.preset === this.request.preset));
  }

  hover(id) {
    if (this.animation.player.playing) return; // the animation is showing its own lines
    const node = id == null ? null : this.result?.nodes[id];
    this.onCode(node ? [opMethod(node.op, this.phases)].filter(Boolean) : (this.codeNow ?? ['autograd.backward']));
  }

  animationState(state) {
    this.root.dataset.backward = state;
    this.playButton.textContent = state === 'playing' ? 'Skip to end' : state === 'done' ? 'Replay backward' : 'Backward';
    this.stepButton.disabled = this.busy || state === 'playing';
    this.renderChecks(state === 'done');
  }

  // Python's finite-difference check of every input's grad: a ✓ at once, the numbers after
  // backward() has filled the grads in.
  renderChecks(withNumbers) {
    const fd = this.result?.fd_check;
    if (!fd) return;
    const used = this.result.nodes.filter((n) => n.kind === 'input').map((n) => n.label);
    const agree = used.every((name) => fd[name]?.agree);
    // Next to the field: a graph that built replaces any old error message.
    this.fieldStatus.className = 'ag-expr-status';
    this.fieldStatus.dataset.fd = agree ? 'agree' : 'disagree';
    this.fieldStatus.replaceChildren(
      el(
        'span',
        `ag-fd ${agree ? 'ok' : 'bad'}`,
        agree
          ? '✓ grads agree with finite differences'
          : `✗ finite differences disagree at ${used.filter((n) => !fd[n]?.agree).join(', ')}`,
      ),
    );
    this.fieldStatus.title = `Python nudges each input by a tiny h and compares the change with ${this.backward}'s grad`;
    if (!withNumbers) {
      this.checks.replaceChildren();
      return;
    }
    const head = el(
      'tr',
      null,
      ['input', 'data', `grad from ${this.backward}`, 'finite difference', ''].map((t) => el('th', null, t)),
    );
    const rows = used.map((name) => {
      const c = fd[name];
      return el('tr', { dataset: { input: name } }, [
        el('td', 'mono', name),
        el('td', 'mono', pyRepr(this.result.inputs[name])),
        el('td', 'mono grad', pyRepr(c.grad)),
        el('td', 'mono', c.fd == null ? '—' : pyRepr(c.fd)),
        el('td', c.agree ? 'ok' : 'bad', c.agree ? '✓' : '✗'),
      ]);
    });
    const note = el(
      'p',
      'ag-fd-note',
      'Finite difference: (f(x + h) − f(x − h)) / 2h with a tiny h, computed by Python from the same expression. ' +
        `It needs no chain rule, so agreeing with it is a check on ${this.backward}.`,
    );
    this.checks.replaceChildren(el('table', 'ag-fd-table', [el('thead', null, head), el('tbody', null, rows)]), note);
  }
}
