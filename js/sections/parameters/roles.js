// What each weight matrix does in the model, read from what the script does with it, never from
// its name. The bridge's `outline` lists the model's statements (first layer, first head) with
// the matrices each one uses and the rows it looks up; `info.roles.output` is the matrix that
// makes the scores. From those:
//
//   token / position   a matrix whose row the model looks up by the token id / the position
//   attn / mlp         a matrix used in a statement of the attention / MLP part of a layer
//   output             the matrix that makes one score per token (may be the token table: tied)
//
// A matrix of a later layer is not in the outline (it lists layer 0); it is matched to its
// layer-0 twin by its name with the numbers taken out ("layer1.attn_wq" ~ "layer0.attn_wq",
// "blocks[1].mlp.fc1.w" ~ "blocks[0].mlp.fc1.w"), and its layer is the number that differs.
//
//   const roles = matrixRoles(info.params.layout, outline, info);
//   roles.get('wte') -> { name, roles: ['token', 'output'], component, layer, uses: [statement] }
//   matrixOfLabel('wte[6][15]') -> 'wte'         (a parameter's label in the loss graph)

// The colour groups, in the order the forward pass meets them (the legend prints `rule`).
export const COMPONENTS = [
  { key: 'embed', label: 'embeddings', flow: 'embed', rule: 'rows looked up by token or position' },
  { key: 'attn', label: 'attention', flow: 'attn', rule: 'used in the attention statements' },
  { key: 'mlp', label: 'MLP', flow: 'mlp', rule: 'used in the MLP statements' },
  { key: 'output', label: 'output', flow: 'loss', rule: 'makes the scores the loss is computed from' },
  { key: 'other', label: 'other', flow: 'other', rule: 'no statement of the model found using it' },
];
const BY_KEY = Object.fromEntries(COMPONENTS.map((c) => [c.key, c]));

const template = (name) => name.replace(/\d+/g, '#');
const numbers = (name) => name.match(/\d+/g) ?? [];

// A statement as the page quotes it: its code without a trailing comment.
export function statementText(item) {
  return (item?.text ?? '').replace(/\s+#[^'"]*$/, '').trim();
}

export function matrixRoles(layout = [], outline = null, info = {}) {
  const found = new Map(layout.map((m) => [m.name, { name: m.name, roles: [], uses: [], layer: null, twin: null, component: null }]));
  const add = (name, role, item) => {
    const entry = found.get(name);
    if (!entry) return;
    if (!entry.roles.includes(role)) entry.roles.push(role);
    if (item && !entry.uses.includes(item)) entry.uses.push(item);
    if (item?.in_layer && entry.layer == null) entry.layer = 0;
  };
  for (const item of outline?.outline ?? []) {
    for (const look of item.lookups ?? []) add(look.matrix, look.by === 'position' ? 'position' : 'token', item);
    for (const name of item.matrices ?? []) {
      if (item.flow === 'attn' || item.flow === 'mlp') add(name, item.flow, item);
      else if (item.flow === 'out') add(name, 'output', item);
      else if (found.get(name) && !found.get(name).uses.includes(item)) found.get(name).uses.push(item);
    }
  }
  const embedding = outline?.embedding ?? {};
  if (embedding.token) add(embedding.token, 'token');
  if (embedding.position) add(embedding.position, 'position');
  const output = info?.roles?.output ?? outline?.output;
  if (output) add(output, 'output');

  // Later layers: the twin of layer 0 with the same name once the numbers are taken out, and
  // of those ("fc1" and "fc2" have the same shape too) the one whose numbers differ in fewest
  // places: the layer's.
  const twins = new Map();
  for (const entry of found.values()) {
    if (entry.layer !== 0) continue;
    const key = template(entry.name);
    twins.set(key, [...(twins.get(key) ?? []), entry]);
  }
  for (const entry of found.values()) {
    if (entry.roles.length) continue;
    const mine = numbers(entry.name);
    const differ = (twin) => numbers(twin.name).filter((n, i) => n !== mine[i]);
    const twin = (twins.get(template(entry.name)) ?? []).reduce(
      (best, t) => (!best || differ(t).length < differ(best).length ? t : best),
      null,
    );
    if (!twin) continue;
    const theirs = numbers(twin.name);
    const k = mine.findIndex((n, i) => n !== theirs[i]);
    entry.roles = [...twin.roles];
    entry.uses = twin.uses;
    entry.twin = twin.name;
    entry.layer = k < 0 ? 0 : Number(mine[k]);
  }
  for (const entry of found.values()) entry.component = componentOf(entry.roles);
  return found;
}

// Embeddings first (a tied token table stays an embedding, and is also the output).
export function componentOf(roles = []) {
  if (roles.includes('token') || roles.includes('position')) return BY_KEY.embed;
  if (roles.includes('attn')) return BY_KEY.attn;
  if (roles.includes('mlp')) return BY_KEY.mlp;
  if (roles.includes('output')) return BY_KEY.output;
  return BY_KEY.other;
}

// A parameter's label in the loss graph is its matrix's name and its indices: "wte[6][15]",
// "blocks[0].attn.wq.w[3][1]". The indices are the trailing [n] groups.
export function matrixOfLabel(label) {
  if (!label) return null;
  const name = label.replace(/(\[\d+\])+$/, '');
  return name === label ? null : name;
}

// The matrix the model looks its token's row up in (a lookup `by: token`), or null.
export function tokenEmbedding(outline) {
  if (outline?.embedding?.token) return outline.embedding.token;
  for (const item of outline?.outline ?? []) {
    const look = (item.lookups ?? []).find((l) => l.by === 'token');
    if (look) return look.matrix;
  }
  return null;
}

// The bridge's sentence for the first of `roles` it could not find (info.roles.missing), as a
// sentence of the page: "No training loop: looked for …." Null when none is missing.
export function whyMissing(info, roles) {
  const missing = info?.roles?.missing ?? {};
  const why = roles.map((r) => missing[r]).find(Boolean);
  return why ? asSentence(why) : null;
}

export function asSentence(text) {
  const s = String(text ?? '').trim();
  if (!s) return s;
  return `${s[0].toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
}
