// Chapter 4: the bridge's `trace` of one model call, turned into the steps the page walks.
//
// The trace reports every statement of the model and of the functions it calls that call others
// (a Block, an Attention...), in the order they finished, each with the locals it (re)bound and
// the bridge's annotations (flow, layer, head, facts, the leaf calls it made). A step is one such
// statement that bound something or called something; nothing here looks at a variable's name.
// Each step keeps what its frame held before it (for the before/after view and for telling a
// copy or a slice from a computation), and the value its function returned when the statement
// was a `return`.
//
// The KV cache is read from the values too: a statement inside a layer whose result holds a list
// of vectors that grew by one, the new last vector being one the frame already held (this
// position's key or value), stores that vector for later positions. How many positions each
// layer holds before and after is the length of that list.
//
//   const { steps, stores, held } = traceSteps(trace);
//   steps[i] = {index, key, func, line, flow, layer, head, facts, calls, lookups, changed,
//               before, held, returned, callees, stored, cache, final?}
// (`callees`: what the structural functions it called returned to it, [{func, value}].)

export const stepKey = (func, line) => `${func}:${line}`;

export function isNumbers(v) {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
}

export function isRows(v) {
  return Array.isArray(v) && v.length > 0 && v.every(isNumbers);
}

export function sameNumbers(a, b) {
  return isNumbers(a) && isNumbers(b) && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

// Every list of vectors inside `value` (itself, or nested up to `depth` lists deep), with its path.
export function rowLists(value, depth = 2, path = []) {
  if (isRows(value)) return [{ path, rows: value }];
  if (!Array.isArray(value) || depth === 0) return [];
  return value.flatMap((item, i) => rowLists(item, depth - 1, [...path, i]));
}

export function atPath(value, path) {
  return path.reduce((v, i) => (Array.isArray(v) ? v[i] : undefined), value);
}

// The lists this statement grew by one vector that the frame held before it: {name, path, count, width}.
function storesOf(changed, before, held) {
  const vectors = Object.values(held).filter(isNumbers);
  const found = [];
  for (const [name, value] of Object.entries(changed)) {
    if (!(name in before)) continue;
    for (const { path, rows } of rowLists(value)) {
      const prior = atPath(before[name], path);
      const grew = Array.isArray(prior) && rows.length === prior.length + 1;
      if (grew && vectors.some((v) => sameNumbers(v, rows.at(-1)))) {
        found.push({ name, path, count: rows.length, width: rows.at(-1).length });
      }
    }
  }
  return found;
}

export function traceSteps(trace) {
  const events = trace.events ?? [];
  const frames = new Map(); // frame id -> what its locals hold now
  const parents = new Map(); // frame id -> the frame that called it
  const returns = new Map(); // frame id -> [{func, value}] returned to it since its last statement
  const steps = [];
  events.forEach((event, index) => {
    if (!frames.has(event.frame)) frames.set(event.frame, {});
    const frame = frames.get(event.frame);
    if (event.parent != null) parents.set(event.frame, event.parent); // (return events carry none)
    if (event.event === 'call') {
      Object.assign(frame, event.changed ?? {});
      return;
    } // the arguments
    if (event.event === 'return') {
      // What a called structural function handed back to the statement that called it.
      const parent = parents.get(event.frame);
      if (parent != null) returns.set(parent, [...(returns.get(parent) ?? []), { func: event.func, value: event.value }]);
      return;
    }
    if (event.event !== 'line') return;
    const callees = returns.get(event.frame) ?? [];
    returns.delete(event.frame);
    const changed = event.changed ?? {};
    const calls = event.calls ?? [];
    if (!Object.keys(changed).length && !calls.length) return; // a loop finding nothing left, a bare return
    const held = { ...frame };
    const before = {};
    for (const name of Object.keys(changed)) if (name in frame) before[name] = frame[name];
    Object.assign(frame, changed);
    const next = events[index + 1];
    const returned = next?.event === 'return' && next.frame === event.frame ? next.value : undefined;
    const lookups = [event.facts?.lookup, ...calls.map((c) => c.lookup)].filter(Boolean);
    steps.push({
      index,
      key: stepKey(event.func, event.line),
      func: event.func,
      line: event.line,
      flow: event.flow ?? 'plain',
      layer: event.layer ?? null,
      head: event.head ?? null,
      facts: event.facts ?? {},
      calls,
      lookups,
      changed,
      before,
      held,
      returned,
      callees,
      stored: event.layer != null ? storesOf(changed, before, held) : [],
    });
  });
  const cache = cacheCounts(steps, trace.layers?.count ?? 0);
  steps.forEach((step, i) => {
    step.cache = cache.at(i);
  });
  steps.push({
    index: events.length,
    key: 'final',
    final: true,
    func: null,
    line: trace.probs_line ?? null,
    flow: 'out',
    layer: null,
    head: null,
    facts: {},
    calls: [],
    lookups: [],
    changed: {},
    before: {},
    held: {},
    stored: [],
    callees: [],
    cache: cache.at(-1) ?? [],
  });
  return { steps, stores: cache.stores };
}

// For each step, how many positions each layer's cache holds after it (null: no store seen for
// that layer in this call). `stores` lists each layer's storing statements.
function cacheCounts(steps, layerCount) {
  const first = new Map(); // layer -> {at: step index, count}
  const stores = Array.from({ length: layerCount }, () => []);
  steps.forEach((step, i) => {
    for (const store of step.stored) {
      if (!first.has(step.layer)) first.set(step.layer, { at: i, count: store.count });
      stores[step.layer]?.push({ ...store, key: step.key });
    }
  });
  const counts = steps.map((_, i) =>
    Array.from({ length: layerCount }, (__, layer) => {
      const f = first.get(layer);
      if (!f) return null;
      return i >= f.at ? f.count : f.count - 1;
    }),
  );
  counts.stores = stores;
  return counts;
}

// The first step of each statement in one layer (and its first head): what the diagram's box for
// it shows (its sizes, the matrices its calls used) while the step-through is in that layer.
export function firstOfEach(steps, layer = 0) {
  const out = new Map();
  for (const step of steps) {
    if (step.final || (step.head ?? 0) > 0 || (step.layer != null && step.layer !== layer)) continue;
    if (!out.has(step.key)) out.set(step.key, step);
  }
  return out;
}
