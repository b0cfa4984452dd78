// How the autograd playground draws the bridge's graph: which role colours a node, what its
// badge says, the lines in its box, and which method of the script's autograd class made it.
import { shortNumber } from '../../ui/short-number.js';
import { pyRepr } from '../../ui/py-number.js';

// The bridge names an operation by what the script's Value built (graph.infer_op).
export function opBadge(op) {
  if (!op || op === 'leaf') return null;
  if (op === 'add') return '+';
  if (op === 'mul') return '×';
  if (op.startsWith('pow')) return op === 'pow' ? '**' : `**${op.slice(4)}`;
  return op; // exp, log, relu, "?"
}

// The method of the script's autograd class whose lines made a node (and its local gradients),
// as the bridge names the class's methods by role (`autograd.__mul__`, `autograd.exp`), and only
// if the script's class has it (`phases`: info.phases).
export function opMethod(op, phases) {
  let method;
  if (!op || op === 'leaf') method = 'autograd.__init__';
  else if (op === 'add') method = 'autograd.__add__';
  else if (op === 'mul') method = 'autograd.__mul__';
  else if (op.startsWith('pow')) method = 'autograd.__pow__';
  else if (/^\w+$/.test(op)) method = `autograd.${op}`; // exp, log, relu, tanh...
  return method && (!phases || phases[method]) ? method : null;
}

export function roleOf(node, outputId) {
  if (node.id === outputId) return 'output';
  return node.kind; // input | const | expr | hidden
}

// What to call a node in words: its text in the expression, or what it is.
// A node made inside an operation has no text in the expression: it is named by the operator
// that made it (the bridge's `made_by`), e.g. "**-1 of /".
export function nodeName(node) {
  if (node.kind === 'hidden') return `${opBadge(node.op) ?? node.op} of ${node.made_by ?? 'an operation'}`;
  return node.label ?? `#${node.id}`;
}

// The same, as the receiver of a method call: `(a*b)._backward()`, `c._backward()`.
export function receiver(node) {
  const name = nodeName(node);
  return /^[\w.]+$/.test(name) ? name : `(${name})`;
}

function title(node) {
  if (node.kind === 'const') return `const ${node.label}`;
  if (node.kind === 'hidden') return node.made_by ? `inside ${node.made_by}` : 'inside an op';
  return node.label ?? `#${node.id}`;
}

// Three significant digits fit a box; the tooltip and the table have Python's full repr.
const boxNumber = (x) => shortNumber(x, 3);

function hiddenWords(node) {
  const where = node.made_in ? `${node.made_by} in ${node.made_in}` : 'an operation';
  return `made inside ${where}: the class's method for it builds this node (${node.op}) on the way, so the graph has it though the expression does not name it`;
}

// `grad`: the grad to show (a number), or undefined while backward() has not reached the node.
export function nodeLines(node, grad) {
  const lines = [
    { text: title(node), full: node.kind === 'hidden' ? hiddenWords(node) : title(node), cls: 'dag-title' },
    { text: `data ${boxNumber(node.data)}`, full: `data ${pyRepr(node.data)}`, cls: 'dag-data' },
  ];
  if (grad === undefined) lines.push({ text: 'grad ·', full: 'grad: not computed yet', cls: 'dag-grad pending' });
  else lines.push({ text: `grad ${boxNumber(grad)}`, full: `grad ${pyRepr(grad)}`, cls: 'dag-grad' });
  return lines;
}

// The DAG widget's nodes and edges for a bridge result, before backward() has run.
export function dagGraph(result) {
  const nodes = result.nodes.map((n) => ({
    id: n.id,
    role: roleOf(n, result.output_id),
    op: opBadge(n.op),
    lines: nodeLines(n, undefined),
  }));
  const edges = result.edges.map((e) => ({ from: e.from, to: e.to, label: boxNumber(e.local_grad) }));
  return { nodes, edges };
}

// The edges a node passes its grad along, in the order the script's loop zips them.
export function edgesInto(result) {
  const into = new Map();
  result.edges.forEach((e, i) => {
    if (!into.has(e.to)) into.set(e.to, []);
    into.get(e.to).push(i);
  });
  return into;
}
