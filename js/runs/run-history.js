// A run's history: parallel arrays, one entry per completed step (js/runs/runs.js's shape).
// Pure helpers, so the manager and the tests read the same rules.
//
//   emptyHistory()                    {steps: [], losses: [], lrs: [], docs: [], ms: []}
//   pushRecord(history, record)       a step record (the bridge's) appended
//   historyUpTo(history, step)        a copy holding the steps <= step (`native` cut to it too)
//   stepMs(record)                    the step's own time in ms (forward + backward + update)
//   keptStepsOf(stateSteps, step, every)  the states a run keeps at `step`: 0, every `every`, the latest

export function emptyHistory() {
  return { steps: [], losses: [], lrs: [], docs: [], ms: [] };
}

export function stepMs(record) {
  const parts = [record?.t_forward, record?.t_backward, record?.t_update];
  return parts.every((t) => typeof t === 'number') ? (parts[0] + parts[1] + parts[2]) * 1000 : null;
}

export function pushRecord(history, record) {
  history.steps.push(record.step);
  history.losses.push(record.loss);
  history.lrs.push(record.lr_t ?? null);
  history.docs.push(record.doc ?? null);
  history.ms.push(stepMs(record));
}

export function historyUpTo(history, step) {
  const h = { ...emptyHistory(), ...(history ?? {}) };
  let n = 0;
  while (n < h.steps.length && h.steps[n] <= step) n++;
  const out = {
    steps: h.steps.slice(0, n),
    losses: h.losses.slice(0, n),
    lrs: h.lrs.slice(0, n),
    docs: h.docs.slice(0, n),
    ms: h.ms.slice(0, n),
  };
  if (h.native) out.native = Math.min(h.native, n);
  return out;
}

// Which states a run keeps once it is at `step`: every multiple of `every` (0 included) it has
// passed, and the latest. Returns [kept steps, the step no longer kept (a superseded latest) or null].
export function keptStepsOf(stateSteps, step, every) {
  const kept = stateSteps.filter((s) => s % every === 0);
  const dropped = stateSteps.find((s) => s % every !== 0 && s !== step) ?? null;
  kept.push(step);
  return [[...new Set(kept)].sort((a, b) => a - b), dropped];
}

// The nearest of `steps` at or before `step` (null when none).
export function nearestAtOrBefore(steps, step) {
  let best = null;
  for (const s of steps) if (s <= step && (best == null || s > best)) best = s;
  return best;
}
