// Moving the page's model between runs and steps (js/runs/runs.js's use, rewind, sampleWith).
//
// A move imports the nearest kept state at or before the step and replays the rest with the
// bridge's `step` method: the script itself trains again, and its records are the same as the
// first time (they depend only on the state, random state included). The page then hears one
// 'load' from the model store, with that state and the history up to the step, so every chapter
// redraws from the model as it is now.
//
//   moveTo(runs, run, step | null, {load})  step null: the run's latest; load: its script and
//                                            data set are loaded first (a switch of runs)
//   sampleWith(runs, id, {seed, temperature, count}) -> names drawn from that run's model
import { historyUpTo } from './run-history.js';

export async function moveTo(runs, run, step, { load }) {
  if (!run) throw new Error('There is no such run.');
  if (runs.rpc.streaming) throw new Error('Training is running: pause it before moving to another step or run.');
  await runs.ready;
  await runs.queue; // the store's news so far are in the run's record
  const t0 = performance.now();
  const target = step == null ? run.step : Math.max(0, Math.min(Math.round(step), run.step));
  const base = runs.nearestState(run, target);
  if (base == null) throw new Error(`No state of "${run.label}" is kept at or before step ${target}.`);
  const blob = await runs.state(run.id, base);
  if (!blob) throw new Error(`The state of "${run.label}" at step ${base} is no longer in this browser's storage.`);
  let page = null;
  if (load) {
    const builtinData = run.dataset.key === 'built-in';
    const text = builtinData ? null : (await runs.db.dataset(run.dataset.key).catch(() => null))?.text;
    if (!builtinData && text == null)
      throw new Error(`The data set ${run.dataset.filename} of "${run.label}" is not kept in this browser.`);
    page = await runs.openScript({ script: run.script, datasetText: text ?? null, datasetName: run.dataset.filename, label: run.label });
  }
  let info = await runs.rpc.call('checkpoint_import', { blob });
  let replay = { mismatched: 0, maxDiff: 0 };
  if (target > base) {
    const records = await runs.rpc.call('step', { count: target - base });
    replay = replayMismatches(run.history, records);
    info = await runs.rpc.call('info', {});
  }
  const checkpoint = target === base ? blob : (await runs.rpc.call('checkpoint_export', {})).blob;
  const kept = page?.run ?? { script: runs.store.state.script, datasetKey: runs.store.state.datasetKey };
  runs.adopting = run;
  runs.store.load(info, kept, { checkpoint, history: historyUpTo(run.history, target) });
  await runs.enqueue(() => {}); // the store's news of this load reached the runs
  runs.rewoundAt = runs.branchesAt(run, target);
  if (info?.params) run.numParams ??= info.params.count;
  return { ...info, replayed: target - base, ...replay, ms: performance.now() - t0 };
}

// How many replayed steps lost differently from the run's own record, and by how much at most:
// none for a run the page trained (its steps depend only on the state; a script that reads the
// clock or os.urandom would not), the last bits of some for the build's CPython run (its math
// library is not the browser's).
function replayMismatches(history, records) {
  let mismatched = 0;
  let maxDiff = 0;
  for (const record of records ?? []) {
    const i = history.steps.indexOf(record.step);
    if (i < 0 || history.losses[i] === record.loss) continue;
    mismatched++;
    maxDiff = Math.max(maxDiff, Math.abs(history.losses[i] - record.loss));
  }
  return { mismatched, maxDiff };
}

export async function sampleWith(runs, id, { seed = 0, temperature = null, count = 5 } = {}) {
  const run = runs.get(id);
  if (!run) throw new Error('There is no such run.');
  const draw = async () => {
    const names = [];
    for (let i = 0; i < count; i++) names.push((await runs.rpc.call('sample', { seed: seed + i, temperature })).text);
    run.samples.push({ step: runs.store.step, seed, temperature, names });
    runs.save(run);
    return names;
  };
  if (runs.current?.id === id) return draw();
  // Another run's model: the page switches to it, draws, and comes back to where it was.
  const here = runs.current;
  const rewoundAt = runs.rewoundAt;
  const { blob } = await runs.rpc.call('checkpoint_export', {});
  const back = { script: runs.store.state.script, datasetKey: runs.store.state.datasetKey, history: runs.store.state.history };
  const dataset = runs.datasetNow();
  await moveTo(runs, run, null, { load: true });
  try {
    return await draw();
  } finally {
    const page = await runs.openScript({
      script: back.script,
      datasetText: dataset?.text ?? null,
      datasetName: dataset?.name ?? null,
      label: here?.label,
    });
    const info = await runs.rpc.call('checkpoint_import', { blob });
    runs.adopting = here;
    runs.store.load(info, page.run, { checkpoint: blob, history: back.history });
    await runs.enqueue(() => {});
    runs.rewoundAt = rewoundAt;
  }
}
