// "The graph behind one training step": the real loss graph the script builds for one
// document, counted by operation, and an explorer that walks it from the loss down, one node's
// children at a time. The bridge builds it with the training loop's own forward and backward and
// puts the model back afterwards (bridge/lossgraph.py): looking never trains. A parameter's
// colour is its matrix's role in the model (parameters/roles.js), not its name. Every node says
// which line of the script made it and in which function, and the path names the stages it
// passes, from where the bridge saw each node made while it built the graph (bridge/origins.py).
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { renderFacts, renderStatus } from '../../ui/facts.js';
import { shortNumber } from '../../ui/short-number.js';
import { pyRepr } from '../../ui/py-number.js';
import { opBadge } from './view.js';
import { codeSpans } from '../parameters/text.js';
import { asSentence, matrixOfLabel, matrixRoles, tokenEmbedding, whyMissing } from '../parameters/roles.js';

// Each operation's symbol (where it has one) in a column of its own, then its name.
const OP_SYMBOLS = { add: '+', mul: '×', leaf: '•', pow: '**' };
const OP_TITLES = { leaf: 'parameters and constants: nodes made from a number, with no children' };
const count = (n) => Number(n).toLocaleString('en-US');

// Which data-flow colour a parameter belongs to: its matrix's role (other parameters: grey).
function flowOf(label, roles) {
  const matrix = roles?.get(matrixOfLabel(label));
  if (!matrix) return '';
  const flow = matrix.component.flow;
  return flow === 'loss' ? 'param' : flow === 'other' ? 'param' : flow;
}

export class LossGraphPanel {
  constructor(container, { rpc }) {
    this.rpc = rpc;
    this.info = null;
    this.built = null;
    this.trail = [];
    const card = liveCard({
      title: 'The graph behind one training step',
      help: [
        'loss graph',
        'every node the forward pass makes for one document, from the parameters to the loss; the backward call walks all of it',
      ],
      className: 'ag-loss',
    });
    this.root = card.root;
    this.root.dataset.state = 'idle';
    this.stepInput = el('input', { type: 'number', className: 'ag-loss-step', min: 1, value: 1, 'aria-label': 'Training step' });
    this.buildButton = el('button', { type: 'button', className: 'ag-loss-build' }, 'Build its graph');
    this.buildButton.addEventListener('click', () => this.build());
    this.stepInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.build();
    });
    this.stepInput.addEventListener('input', () => {
      this.stepChosen = true;
    });
    this.status = el('p', { className: 'ag-loss-status', role: 'status', 'aria-live': 'polite' });
    this.stale = el('span', 'ag-loss-stale');
    this.summary = el('div', 'ag-loss-summary');
    this.ops = el('div', 'ag-ops');
    this.walkButton = el('button', { type: 'button', className: 'ag-walk' }, 'Walk to the token embedding');
    this.walkButton.addEventListener('click', () => this.walk());
    this.stages = el('p', { className: 'ag-stages', hidden: true });
    this.trailList = el('ol', { className: 'ag-trail', 'aria-label': 'Path from the loss' });
    this.children = el('div', 'ag-children');
    this.explorer = el('div', 'ag-explorer', [
      el('div', 'ag-explorer-head', [el('h4', null, 'Walk it from the loss'), this.walkButton]),
      el(
        'p',
        'ag-explorer-hint',
        'Click a child to step down to it; click a node on the path to go back up. ' +
          'Numbers on the right of each child: the local gradient along its edge. Under each node: the line of the script that made it, in which function.',
      ),
      this.stages,
      this.trailList,
      this.children,
    ]);
    this.explorer.hidden = true;
    this.intro = el('p', 'ag-loss-intro');
    card.body.append(
      this.intro,
      el('div', 'ag-loss-controls', [el('label', null, ['Training step ', this.stepInput]), this.buildButton, this.stale]),
      this.status,
      this.summary,
      el('div', 'ag-loss-body', [this.ops, this.explorer]),
    );
    container.append(card.root);
    // The first graph is built when the panel comes into view, not while the page starts, and
    // not while training runs: a build is a whole forward and backward pass on the worker, which
    // would hold up the next step (the button builds at once whenever it is pressed).
    let visible = false;
    let waiting = 0;
    const buildWhenFree = () => {
      waiting = 0;
      if (!visible || !this.info || this.built || this.root.dataset.state !== 'idle') return;
      if (this.rpc.streaming) waiting = setTimeout(buildWhenFree, 1000);
      else this.build();
    };
    this.observer = new IntersectionObserver(
      (entries) => {
        visible = entries.at(-1).isIntersecting;
        if (!waiting) buildWhenFree();
      },
      { rootMargin: '200px' },
    );
    this.observer.observe(card.root);
  }

  // The model trained (stepsDone known, from a 'step' event) or changed some other way: the
  // graph shown was built from the model as it was; say so, and offer the next step.
  modelChanged(stepsDone) {
    if (stepsDone != null && !this.stepChosen) this.stepInput.value = Math.min(Number(this.stepInput.max) || Infinity, stepsDone + 1);
    if (this.built && stepsDone !== this.built.steps_done) {
      this.stale.textContent = 'The model has changed since this graph was built: build again to see its current numbers.';
    }
  }

  // A (re)loaded script: an old graph belongs to the old script.
  reset(info) {
    this.info = info;
    this.roles = null;
    this.outline = null;
    const backward = info.facts?.backward_stmt ?? 'its backward call';
    this.intro.replaceChildren(
      ...codeSpans(
        'The nodes above are a handful. One training step of the real model makes its loss out of tens of ' +
          `thousands. Pick a step: the training loop's own forward pass and \`${backward}\` run for that step's document, then every ` +
          'parameter, gradient, optimizer moment and the random state are put back, so nothing trains.',
      ),
    );
    this.stepChosen = false;
    this.stale.textContent = '';
    this.built = null;
    this.trail = [];
    const steps = info.hyper?.num_steps;
    if (steps) this.stepInput.max = steps;
    this.stepInput.value = Math.min(steps ?? Infinity, (info.step ?? 0) + 1);
    this.root.dataset.state = 'idle';
    this.summary.replaceChildren();
    this.ops.replaceChildren();
    this.explorer.hidden = true;
    const missing = whyMissing(info, ['training', 'autograd']);
    this.buildButton.disabled = Boolean(missing);
    this.status.textContent = missing ? `${missing} There is no loss graph to show.` : '';
  }

  // The matrices' roles, for the colours and the walk's target: asked once per script.
  async readRoles() {
    if (this.roles) return;
    const info = this.info;
    const outline = await this.rpc.call('outline', {}).catch(() => null);
    if (info !== this.info) return;
    this.outline = outline;
    this.roles = matrixRoles(info.params?.layout ?? [], outline, info);
    const token = tokenEmbedding(outline);
    this.walkButton.textContent = token ? `Walk to a weight of ${token}` : 'Walk to the token embedding';
  }

  async build() {
    const step = Math.max(1, Math.round(Number(this.stepInput.value) || 1));
    this.root.dataset.state = 'building';
    this.buildButton.disabled = true;
    this.status.classList.remove('error');
    this.status.textContent = `Running the forward pass and ${this.info?.facts?.backward_stmt ?? 'the backward call'} for step ${step}…`;
    try {
      await this.readRoles();
      const built = await this.rpc.call('loss_graph', { step: step - 1 });
      const root = await this.rpc.call('loss_graph_expand', {});
      this.built = built;
      this.stale.textContent = '';
      this.showSummary(built);
      this.trail = [root];
      this.renderTrail();
      this.explorer.hidden = false;
      this.root.dataset.state = 'ready';
    } catch (error) {
      this.status.classList.add('error');
      this.status.textContent = error?.message ?? String(error);
      this.root.dataset.state = this.built ? 'ready' : 'error';
    } finally {
      this.buildButton.disabled = false;
    }
  }

  showSummary(built) {
    const s = built.summary;
    const trained = built.steps_done === 0 ? 'the untrained model' : `the model after ${count(built.steps_done)} training steps`;
    const doc = built.doc == null ? 'its document' : `“${built.doc}”`;
    const predictions = built.n == null ? '' : `${built.n} predictions, `;
    // One backward call per position: each builds (and walks) a graph of its own.
    const roots =
      built.roots > 1
        ? ` The script calls backward once per position (${built.roots} times for this document): the graph below is the last one's, and its loss is that position's term.`
        : '';
    this.status.textContent =
      `Step ${built.step + 1} trains on ${doc}: ${predictions}` +
      `loss ${shortNumber(built.loss)}. Built from ${trained}; the model is unchanged.${roots}`;
    this.root.dataset.roots = String(built.roots ?? 1);
    renderFacts(this.summary, [
      {
        label: `${this.info?.roles?.autograd?.class ?? 'graph'} nodes`,
        value: count(s.nodes),
        flow: 'loss',
        title: 'distinct nodes the loss depends on',
      },
      { label: 'edges', value: count(s.edges), title: 'child → parent links: one chain-rule step each' },
      { label: 'longest path', value: count(s.depth), title: 'edges from the loss down to the farthest leaf' },
      {
        label: 'parameters reached',
        value: `${count(s.params)} / ${count(this.info?.params?.count ?? 0)}`,
        title:
          'the parameters this loss depends on; the others (such as the embedding rows of tokens and positions not in this document) get no gradient from it',
      },
    ]);
    const entries = Object.entries(s.by_op).sort((x, y) => y[1] - x[1]);
    const top = Math.max(...entries.map(([, n]) => n));
    this.ops.replaceChildren(
      el('h4', null, 'Nodes by operation'),
      el(
        'ul',
        'ag-ops-list',
        entries.map(([op, n]) =>
          el('li', { dataset: { op }, title: OP_TITLES[op] }, [
            el('span', 'ag-op-name', [el('span', 'ag-op-sym', OP_SYMBOLS[op] ?? ''), op]),
            el('span', 'ag-op-bar', el('span', { className: 'ag-op-fill', style: `width: ${(100 * n) / top}%` })),
            el('span', 'ag-op-count', count(n)),
          ]),
        ),
      ),
    );
  }

  // The path: every node from the loss to the current one; the current one's children below.
  renderTrail() {
    const last = this.trail.length - 1;
    this.trailList.replaceChildren(
      ...this.trail.map((node, i) => {
        const row = this.nodeRow(node, i === 0 ? 'loss' : null, i === last);
        if (i < last)
          row.addEventListener('click', () => {
            this.trail = this.trail.slice(0, i + 1);
            this.renderTrail();
          });
        return el('li', { dataset: { id: node.id } }, row);
      }),
    );
    const current = this.trail[last];
    const kids = current.children.map((child) => {
      const row = this.nodeRow(child, null, false, child.local_grad);
      row.disabled = child.n_children === 0;
      row.addEventListener('click', () => this.open(child.id));
      return row;
    });
    this.children.replaceChildren(
      ...(kids.length
        ? kids
        : [
            el(
              'p',
              'ag-leaf-note',
              matrixOfLabel(current.label)
                ? `${current.label} is a parameter: a leaf. Its grad, ${shortNumber(current.grad)}, is what the script's update uses to move it.`
                : 'A leaf: a plain number the script wrapped in a node. Nothing below it.',
            ),
          ]),
    );
    this.children.dataset.parent = current.id;
    this.renderStages();
    this.trailList.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
    this.trailList.scrollTop = this.trailList.scrollHeight;
  }

  // The stages the path passes, from the loss down (each node's `origin.stage`, from where the
  // script made it: bridge/origins.py), and the matrix of the parameter it ends on.
  renderStages() {
    const stages = [];
    for (const node of this.trail) {
      const stage = node.origin?.stage ?? matrixOfLabel(node.label);
      if (stage && stages.at(-1) !== stage) stages.push(stage);
    }
    this.stages.hidden = stages.length < 2;
    this.stages.replaceChildren(
      el('span', 'k', 'The path passes: '),
      ...stages
        .flatMap((stage, i) => [
          i ? el('span', 'ag-stage-arrow', ' → ') : null,
          el('span', { className: 'ag-stage', dataset: { stage } }, stage),
        ])
        .filter(Boolean),
    );
  }

  nodeRow(node, role, current, localGrad) {
    const flow = role === 'loss' ? 'loss' : flowOf(node.label, this.roles);
    const where = node.origin;
    const name = role === 'loss' ? 'loss' : (node.label ?? where?.stage ?? `#${node.id}`);
    const made = where
      ? `made by line ${where.line}, in ${where.func === 'training loop' ? 'the training loop' : where.func}` +
        `${where.via?.length ? ` (called from ${where.via.map((v) => `${v.func} line ${v.line}`).join(', ')})` : ''}: ${where.text}`
      : '';
    const parts = [
      el('span', 'ag-node-op', opBadge(node.op) ?? '•'),
      el('span', 'ag-node-name', [
        el('span', 'ag-node-title', name),
        where
          ? el('span', { className: 'ag-node-where', dataset: { line: String(where.line), func: where.func } }, [
              el('span', 'ag-node-line', `line ${where.line} · ${where.func}`),
              el('code', 'ag-node-code', where.text),
            ])
          : null,
      ]),
      el('span', 'ag-node-num', [el('span', 'k', 'data '), shortNumber(node.data)]),
      el('span', 'ag-node-num grad', [el('span', 'k', 'grad '), shortNumber(node.grad)]),
    ];
    if (localGrad !== undefined) parts.push(el('span', 'ag-node-num edge', [el('span', 'k', 'local '), shortNumber(localGrad)]));
    const row = el(
      'button',
      {
        type: 'button',
        className: `ag-node ${flow ? `ag-flow-${flow}` : ''} ${current ? 'current' : ''}`.trim(),
        title:
          `${name} (#${node.id}): op ${node.op}, data ${pyRepr(node.data)}, grad ${pyRepr(node.grad)}` +
          (localGrad !== undefined ? `, local gradient ${pyRepr(localGrad)}` : '') +
          (node.n_children ? `, ${node.n_children} children` : '') +
          (made ? `; ${made}` : ''),
        dataset: { id: node.id, grad: node.grad, data: node.data },
      },
      parts,
    );
    return row;
  }

  async open(id) {
    try {
      const node = await this.rpc.call('loss_graph_expand', { node_id: id });
      this.trail.push(node);
      this.renderTrail();
    } catch (error) {
      renderStatus(this.children, error?.message ?? String(error), true);
    }
  }

  async walk() {
    this.walkButton.disabled = true;
    try {
      this.trail = await this.rpc.call('loss_graph_path', { to: null }); // null: the token embedding
      this.renderTrail();
    } catch (error) {
      renderStatus(this.children, asSentence(error?.message ?? String(error)), true);
    } finally {
      this.walkButton.disabled = false;
    }
  }
}
