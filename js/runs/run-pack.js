// Runs to carry in a downloaded guide, and back (js/runs/runs.js's pack and unpack; the download
// itself is js/editor/page-snapshot.js's). Each run goes with its latest state only: what opens the
// file on it; a rewind in the other copy then replays from there or earlier states it makes.
//
//   pack(runs, ids)   -> {runs: [run], states: {id: {step: Uint8Array}}, datasets: {key: {key, filename, text}}}
//   unpack(runs, pack, {open: id})   the pack's runs join this copy's list (those it lacks), and
//                                    the page opens on `open` at its step
import { NATIVE_ID } from './native-run.js';

export async function pack(runs, ids) {
  await runs.ready;
  runs.flush();
  const out = { runs: [], states: {}, datasets: {} };
  for (const id of ids) {
    const run = runs.get(id);
    if (!run) continue;
    const base = runs.nearestState(run, run.step);
    const blob = base == null ? null : await runs.state(id, base);
    // A run whose latest state is gone goes as far as the state it has.
    const step = blob ? base : 0;
    const copy = structuredClone({ ...run, stateSteps: blob ? [step] : [] });
    // The build's checkpoints are read from the page that embeds them: in another copy, the
    // state goes with the run like any other's.
    if (id === NATIVE_ID) copy.id = `${NATIVE_ID}-carried`;
    copy.step = step;
    copy.parent = null; // the other copy may not have the parent: the branch's history is its own
    out.runs.push(copy);
    if (blob) out.states[copy.id] = { [step]: blob };
    if (run.dataset.key !== 'built-in' && !out.datasets[run.dataset.key]) {
      const dataset = await runs.db.dataset(run.dataset.key).catch(() => null);
      if (dataset) out.datasets[run.dataset.key] = dataset;
    }
  }
  return out;
}

export async function unpack(runs, bundle, { open = null } = {}) {
  await runs.ready;
  for (const run of bundle?.runs ?? []) {
    if (runs.get(run.id)) continue;
    runs.runs.set(run.id, run);
    for (const [step, blob] of Object.entries(bundle.states?.[run.id] ?? {}))
      await runs.db.putState(run.id, Number(step), blob).catch(() => {});
    await runs.db.putRun(run).catch(() => {});
  }
  for (const dataset of Object.values(bundle?.datasets ?? {})) await runs.db.putDataset(dataset).catch(() => {});
  runs.emit('list', runs.current);
  return open && runs.get(open) ? runs.use(open) : null;
}
