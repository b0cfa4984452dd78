// What the parameters chapter says about each weight matrix: its place in the flat parameter
// list (the bridge's layout), its role in the model (parameters/roles.js: read from the
// statements that use it, never from its name), and so its colour, its group in the schematic,
// what its rows and columns are, and one sentence of what it is for, quoting the script.
import { tokenLabel } from '../../ui/vocab.js';
import { COMPONENTS, matrixRoles, statementText } from './roles.js';

export { COMPONENTS };

const lineOf = (item) => (item ? `${item.func}, line ${item.line}` : '');
const quote = (item) => `\`${statementText(item)}\` (${lineOf(item)})`;

// One sentence per role, with the statement that gave the role away.
function purpose(m, info) {
  const model = info?.roles?.model?.callee ?? 'the model';
  const use = (role) =>
    m.uses.find((u) =>
      role === 'token' || role === 'position'
        ? (u.lookups ?? []).some((l) => l.matrix === (m.twin ?? m.name) && (l.by === 'position') === (role === 'position'))
        : u.flow === (role === 'output' ? 'out' : role) && (u.matrices ?? []).includes(m.twin ?? m.name),
    );
  const where = (role) => (use(role) ? ` in ${quote(use(role))}` : '');
  const layer = m.layer > 0 ? `, run again for layer ${m.layer}` : '';
  const parts = [];
  if (m.roles.includes('token'))
    parts.push(`Token embedding: row t is the vector that stands for token t; ${model}() looks it up by the token id${where('token')}.`);
  if (m.roles.includes('position'))
    parts.push(`Position embedding: row p is the vector for position p; ${model}() looks it up by the position${where('position')}.`);
  if (m.roles.includes('attn')) parts.push(`Attention: the model multiplies by it${where('attn')}${layer}.`);
  if (m.roles.includes('mlp')) {
    const shape =
      m.rows > m.cols
        ? ` It is ${m.rows} rows of ${m.cols}: a multiplication by it widens ${m.cols} numbers to ${m.rows}.`
        : m.rows < m.cols
          ? ` It is ${m.rows} rows of ${m.cols}: a multiplication by it narrows ${m.cols} numbers to ${m.rows}.`
          : '';
    parts.push(`MLP: the model multiplies by it${where('mlp')}${layer}.${shape}`);
  }
  if (m.roles.includes('output')) {
    const tied = m.roles.includes('token') ? 'It is also the output layer (tied weights): ' : 'Output layer: ';
    parts.push(
      `${tied}each row scores one token of the vocabulary against the final vector${where('output')}; those scores (the logits) are what the loss is computed from.`,
    );
  }
  if (!parts.length)
    parts.push("No statement of the model's first call was found using this matrix, so the guide cannot say what it is for.");
  return parts.join(' ');
}

// What a row and a column are, where the script shows it: a lookup's rows are tokens or
// positions; the output's rows are tokens (one score each, its statement makes vocab-size
// numbers); a statement that makes as many numbers as the matrix has rows has one row per output.
function axes(m) {
  if (m.roles.includes('token')) return ['tokens', 'embedding numbers'];
  if (m.roles.includes('position')) return ['positions', 'embedding numbers'];
  if (m.roles.includes('output')) return ['tokens (one score each)', 'numbers of the final vector'];
  const sizes = m.uses.map((u) => u.size).filter((s) => s != null);
  if (sizes.includes(m.rows) && m.rows !== m.cols) return ['outputs', 'inputs'];
  if (sizes.length && sizes.every((s) => s === m.rows)) return ['outputs', 'inputs'];
  return ['rows', 'columns'];
}

function rowLabels(m, info) {
  const vocab = info?.vocab;
  if (!vocab || vocab.size !== m.rows) return null;
  if (!m.roles.includes('token') && !m.roles.includes('output')) return null;
  return Array.from({ length: m.rows }, (_, id) => {
    const label = tokenLabel(vocab, id);
    return label === ' ' ? '␣' : label;
  });
}

// The layout's matrices with their roles. `outline` may be null (no model found): every matrix
// is then "other", and the chapter says why.
// -> [{name, short, rows, cols, size, offset, aliases, roles, component, layer, group, axes,
//      rowLabels, purpose, uses, twin}]
export function describeMatrices(layout = [], outline = null, info = {}) {
  const found = matrixRoles(layout, outline, info);
  const list = layout.map((entry) => {
    const r = found.get(entry.name);
    const m = {
      name: entry.name,
      rows: entry.rows,
      cols: entry.cols,
      size: entry.rows * entry.cols,
      offset: entry.offset,
      aliases: entry.aliases ?? [],
      roles: r.roles,
      uses: r.uses,
      twin: r.twin ?? null,
      layer: r.layer,
      component: r.component,
    };
    m.group = m.layer != null ? `layer ${m.layer}` : m.component.key;
    m.axes = axes(m);
    m.rowLabels = rowLabels(m, info);
    m.purpose = purpose(m, info);
    return m;
  });
  for (const group of new Set(list.map((m) => m.group))) {
    const members = list.filter((m) => m.group === group);
    const [prefix, suffix] = common(members.map((m) => m.name));
    for (const m of members) m.short = m.name.slice(prefix, m.name.length - suffix) || m.name;
  }
  return list;
}

// How many characters every name shares at its start and at its end, cut at a separator, so
// "layer0.attn_wq" and "layer0.mlp_fc1" read "attn_wq" and "mlp_fc1", "wte.w" and "wpe.w" read
// "wte" and "wpe". A group of one keeps its whole name.
function common(names) {
  if (names.length < 2) return [0, 0];
  const cut = (text) => {
    const at = Math.max(...['.', '[', ']', '_'].map((s) => text.lastIndexOf(s)));
    return at < 0 ? 0 : at + 1;
  };
  let head = names[0];
  for (const n of names) while (!n.startsWith(head)) head = head.slice(0, -1);
  let tail = names[0];
  for (const n of names) while (!n.endsWith(tail)) tail = tail.slice(1);
  const tailCut = (() => {
    const at = Math.min(...['.', '['].map((s) => (tail.indexOf(s) < 0 ? Infinity : tail.indexOf(s))));
    return at === Infinity ? 0 : tail.length - at;
  })();
  const shortest = Math.min(...names.map((n) => n.length));
  const prefix = cut(head);
  return prefix + tailCut < shortest ? [prefix, tailCut] : [0, 0];
}

// Draw order: embeddings, then each layer in order, then the output, then the rest. Within a
// layer, matrices are split by component (attention, then MLP).
export function groupMatrices(matrices) {
  const groups = new Map();
  for (const m of matrices) {
    if (!groups.has(m.group))
      groups.set(m.group, { key: m.group, title: m.layer != null ? m.group : m.component.label, layer: m.layer, items: [] });
    groups.get(m.group).items.push(m);
  }
  const rank = (g) => (g.key === 'embed' ? 0 : g.key === 'output' ? 2 : g.key === 'other' ? 3 : 1);
  return [...groups.values()]
    .map((g, i) => ({ ...g, order: i, parts: splitByComponent(g.items) }))
    .sort((a, b) => rank(a) - rank(b) || (a.layer ?? 0) - (b.layer ?? 0) || a.order - b.order);
}

function splitByComponent(items) {
  const parts = new Map();
  for (const m of items) {
    if (!parts.has(m.component.key)) parts.set(m.component.key, { component: m.component, items: [] });
    parts.get(m.component.key).items.push(m);
  }
  return [...parts.values()];
}

// Parameter counts per component, in legend order (components with none left out).
export function breakdown(matrices) {
  return COMPONENTS.map((component) => ({
    component,
    count: matrices.filter((m) => m.component === component).reduce((sum, m) => sum + m.size, 0),
  })).filter((part) => part.count > 0);
}

// The matrix that is both the token table and the output (tied weights), if any.
export function tiedOutput(matrices) {
  return matrices.find((m) => m.roles.includes('output') && m.component.key !== 'output') ?? null;
}
