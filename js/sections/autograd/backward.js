// Replays the script's own backward() on the drawing: one node at a time in the order its loop
// really visited them (the bridge's `order`), and along every edge the grad the script's
// chain-rule statement wrote (the bridge's `writes`: each child's grad right after the write,
// whether the class writes it in backward()'s loop or in a per-node closure, micrograd-style).
// Nothing is computed here; the numbers are Python's, shown in the order Python made them.
import { el } from '../../ui/dom.js';
import { SequencePlayer } from '../../ui/sequence-player.js';
import { shortNumber } from '../../ui/short-number.js';
import { edgesInto, nodeLines, nodeName, opMethod, receiver } from './view.js';

const TIME = { start: 700, visit: 420, leaf: 240, edge: 760 };

export class BackwardAnimation {
  // dag: DagView; caption: element for the current step; onCode(phases): what to highlight;
  // onState(state): 'ready' | 'playing' | 'paused' | 'done', for the buttons.
  constructor({ dag, caption, onCode, onState }) {
    this.dag = dag;
    this.caption = caption;
    this.onCode = onCode;
    this.onState = onState;
    this.shown = new Map(); // node id -> grad on screen
    this.player = new SequencePlayer({
      begin: (s) => this.begin(s),
      progress: (s, t) => s.kind === 'edge' && this.dag.pulse(s.edge, t),
      end: (s) => this.end(s),
      done: () => this.done(),
    });
    this.result = null;
    this.script = { autograd: null, chainRule: null, phases: {} };
  }

  // The script's class as the bridge describes it (info.roles.autograd: its attribute and
  // method names), its chain-rule statement (info.facts.chain_rule) and its phases.
  setScript({ autograd, chainRule, phases }) {
    this.script = { autograd: autograd ?? null, chainRule: chainRule ?? null, phases: phases ?? {} };
  }

  names() {
    const a = this.script.autograd ?? {};
    return { backward: a.backward ?? 'backward', grad: a.grad ?? 'grad', closure: a.closure ?? null };
  }

  // A new graph (or new inputs): grads are not known until backward() runs again.
  load(result) {
    this.result = result;
    this.shown.clear();
    this.player.load(this.steps(result));
    this.clearMarks();
    for (const node of result.nodes) {
      // a replay starts from blank grads, as backward() would find them
      this.dag.setNodeLines(node.id, nodeLines(node, undefined));
      const g = this.dag.nodeElement(node.id);
      if (g) delete g.dataset.grad;
    }
    this.setCaption(`Press Backward to run the script's ${this.names().backward}() on this graph, or Step to go one move at a time.`);
    this.onState('ready');
  }

  steps(result) {
    const into = edgesInto(result);
    const used = new Map(); // v -> edges of v already matched to a write
    /** @type {any[]} */
    const steps = [{ kind: 'start', node: result.output_id }];
    for (const v of result.order) steps.push({ kind: 'visit', node: v, fanout: (into.get(v) ?? []).length });
    // Each write belongs to the visit of its `v`: put it right after that visit, in order.
    const out = [];
    for (const s of steps) {
      out.push(s);
      if (s.kind !== 'visit') continue;
      for (const w of result.writes.filter((x) => x.v === s.node)) {
        const mine = into.get(w.v) ?? [];
        const k = used.get(w.v) ?? 0;
        used.set(w.v, k + 1);
        const edge = result.edges[mine[k]]?.from === w.node ? mine[k] : mine.find((i) => result.edges[i].from === w.node);
        out.push({ kind: 'edge', v: w.v, child: w.node, edge, grad: w.grad });
      }
    }
    const scale = Math.min(1, Math.max(0.25, 24 / out.length)); // big graphs play faster
    for (const s of out) s.duration = scale * (s.kind === 'visit' && !s.fanout ? TIME.leaf : TIME[s.kind]);
    return out;
  }

  play() {
    if (!this.result) return;
    if (this.player.playing) {
      this.player.finish();
      return;
    }
    if (this.player.finished) this.load(this.result);
    this.onState('playing');
    this.player.play();
  }

  step() {
    if (!this.result) return;
    if (this.player.finished) this.load(this.result);
    this.player.next();
    if (!this.player.finished) this.onState('paused');
  }

  stop() {
    this.player.pause();
  }

  node(id) {
    return this.result.nodes[id];
  }

  showGrad(id, grad) {
    this.shown.set(id, grad);
    this.dag.setNodeLines(id, nodeLines(this.node(id), grad));
    const g = this.dag.nodeElement(id);
    if (g) g.dataset.grad = String(grad);
  }

  begin(s) {
    const r = this.result;
    const { backward, grad, closure } = this.names();
    const method = (op) => opMethod(op, this.script.phases);
    this.dag.clearMark('visiting');
    if (s.kind === 'start') {
      const out = this.node(s.node);
      this.dag.mark('node', s.node, 'visiting');
      this.showGrad(s.node, out.grad);
      this.setCaption(
        `${backward}() orders the graph, then starts at the output with its ${grad} set to`,
        null,
        `${nodeName(out)}.${grad} = ${shortNumber(out.grad)}`,
      );
      this.onCode(['autograd.backward']);
    } else if (s.kind === 'visit') {
      const v = this.node(s.node);
      this.dag.mark('node', s.node, 'visiting');
      const what = s.fanout
        ? `${nodeName(v)}.${grad} = ${shortNumber(this.shown.get(s.node))}: passed on along ${s.fanout} edge${s.fanout > 1 ? 's' : ''}`
        : `${nodeName(v)} has no children: nothing to pass on`;
      this.setCaption(`${backward}()'s loop visits node ${r.order.indexOf(s.node) + 1} of ${r.order.length}:`, null, what);
      this.onCode(['autograd.backward', method(v.op)].filter(Boolean));
    } else {
      const v = this.node(s.v);
      const child = this.node(s.child);
      const local = r.edges[s.edge]?.local_grad;
      this.dag.mark('edge', s.edge, 'active');
      this.dag.mark('node', s.v, 'visiting');
      // A class with a closure per node writes the children's grads in the closure its
      // operation made; otherwise backward()'s own loop writes them (its chain-rule statement).
      const code = closure ? `${receiver(v)}.${closure}()` : this.script.chainRule;
      if (closure) this.onCode(['autograd.backward', method(v.op)].filter(Boolean));
      this.setCaption(
        `Chain rule along the edge ${nodeName(child)} → ${nodeName(v)}:`,
        code,
        `${nodeName(child)}.${grad} += ${shortNumber(local)} × ${shortNumber(this.shown.get(s.v))}  →  ${shortNumber(s.grad)}`,
      );
    }
  }

  end(s) {
    if (s.kind !== 'edge') return;
    this.dag.pulse(s.edge, null);
    this.dag.mark('edge', s.edge, 'active', false);
    this.dag.mark('edge', s.edge, 'passed');
    this.showGrad(s.child, s.grad);
  }

  done() {
    this.dag.clearMark('visiting');
    this.dag.pulse(0, null);
    const out = this.node(this.result.output_id);
    this.setCaption(
      `Done. Each grad says how much ${nodeName(out)} would change per unit nudge of that node ` + '(its derivative, d output / d node).',
    );
    this.onCode(['autograd.backward']);
    this.onState('done');
  }

  clearMarks() {
    for (const cls of ['visiting', 'active', 'passed']) this.dag.clearMark(cls);
    this.dag.pulse(0, null);
  }

  // head: what is happening; code: the script's line at work; numbers: that line with Python's numbers.
  setCaption(head, code, numbers) {
    this.caption.replaceChildren(
      ...[
        el('span', 'ag-step-head', head),
        code && el('code', 'ag-step-code', code),
        numbers && el('span', 'ag-step-numbers', numbers),
      ].filter(Boolean),
    );
  }
}
