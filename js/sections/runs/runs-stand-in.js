// A STAND-IN for the runs core (js/runs/runs.js, built at the same time by another branch; the
// interface is /work/notes/runs-contract.md), so that the compare view can be built and tested
// against real runs the page makes. It keeps runs in memory only (no IndexedDB, no states every
// K steps, no rewind) and goes once js/runs/ lands: main.js then hands the sections that instead.
//
// It follows the model store: each new kept state (a Run, the boot) starts a run; each step
// record appends to its history; the newest checkpoint is the run's state.
import { EVENT } from '../../protocol.js';

const MAX_KEPT = 8;

/** @param {{rpc: any, store: any, defaultSource: string, dataset: () => string | null}} deps */
export function createStandInRuns({ rpc, store, defaultSource, dataset }) {
  const runs = []; // newest first
  const listeners = new Set();
  let current = null;
  let tracked = null; // the store's kept state the current run follows
  let adopting = null; // a run use() is loading: the store's next kept state is its own
  let builtinHyper = null;
  let queue = Promise.resolve(); // worker switches, one at a time

  const emit = (reason, run) => listeners.forEach((fn) => fn({ reason, run }));

  function startRun(state) {
    const info = store.info;
    const builtin = state.script.source === defaultSource;
    const h = state.history;
    if (builtin) builtinHyper ??= info?.hyper ?? null;
    const run = {
      id: `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      label: builtin ? 'built-in' : labelFor(info?.hyper, builtinHyper),
      createdAt: Date.now(),
      parent: null,
      builtin,
      script: state.script,
      dataset: { key: state.datasetKey, filename: null },
      datasetText: dataset(),
      numParams: info?.params?.count ?? null,
      hyper: info?.hyper ?? {},
      step: state.step,
      // what the store kept already (the last visit's steps, restored at boot); their times are not kept
      history: { steps: [...h.steps], losses: [...h.losses], lrs: [...h.lrs], docs: [...h.docs], ms: h.steps.map(() => null) },
      samples: [],
      stateSteps: [],
      checkpoint: null,
    };
    runs.unshift(run);
    runs.splice(MAX_KEPT);
    return run;
  }

  // A new kept state is a new run (the boot's adopt() tells no one: list() looks too). True if so.
  function sync() {
    const state = store.state;
    if (!state || state === tracked) return false;
    tracked = state;
    current = adopting ?? startRun(state);
    adopting = null;
    return true;
  }

  // The boot's run: the page adopts the worker's first info without a change (store.adopt), after
  // its own READY listener, which runs after this one.
  rpc.on(EVENT.READY, () =>
    setTimeout(() => {
      if (sync()) {
        emit('list', current);
        emit('current', current);
      }
    }, 0),
  );

  store.subscribe((change) => {
    if (sync()) {
      emit('list', current);
      emit('current', current);
    }
    if (!current) return;
    // (A run made just now from the kept state holds this step already.)
    if (change.reason === 'step' && change.record && !(current.history.steps.at(-1) >= change.record.step)) {
      const r = change.record;
      const h = current.history;
      h.steps.push(r.step);
      h.losses.push(r.loss);
      h.lrs.push(r.lr_t ?? null);
      h.docs.push(r.doc ?? null);
      h.ms.push(r.t_forward == null ? null : (r.t_forward + r.t_backward + r.t_update) * 1000);
      current.step = r.step;
      if (r.checkpoint) current.checkpoint = r.checkpoint;
      emit('step', current);
    } else if (change.reason === 'model') {
      current.step = change.step;
      current.checkpoint = store.state.checkpoint;
    }
  });

  // Load a run's script and data set into the worker and bring back its state: its info.
  async function loadInto(run) {
    let info = await rpc.call('load', { source: run.script.source, filename: run.script.filename, dataset: run.datasetText });
    if (run.checkpoint) info = await rpc.call('checkpoint_import', { blob: run.checkpoint });
    return info;
  }

  const serial = (job) => (queue = queue.then(job, job));

  return {
    list() {
      sync();
      return [...runs];
    },
    get current() {
      sync();
      return current;
    },
    get: (id) => runs.find((r) => r.id === id) ?? null,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    use(id) {
      const run = runs.find((r) => r.id === id);
      if (!run) return Promise.reject(new Error(`no run ${id}`));
      return serial(async () => {
        const info = await loadInto(run);
        adopting = run;
        const { steps, losses, lrs, docs } = run.history;
        const restored = run.checkpoint ? { checkpoint: run.checkpoint, history: { steps, losses, lrs, docs } } : null;
        store.load(info, { script: run.script, datasetKey: run.dataset.key }, restored);
        return info;
      });
    },
    rewind: () => Promise.reject(new Error('The stand-in keeps no states to rewind to.')),
    state: async (id, step) => {
      const run = runs.find((r) => r.id === id);
      return run && step === run.step ? run.checkpoint : null;
    },
    // Names from that run's model; the page's model is put back as it was afterwards.
    sampleWith(id, { seed, temperature, count }) {
      const run = runs.find((r) => r.id === id);
      if (!run) return Promise.reject(new Error(`no run ${id}`));
      return serial(async () => {
        const here = current;
        const saved = here && (await rpc.call('checkpoint_export', {})).blob;
        const other = run !== here;
        if (other) await loadInto(run);
        try {
          const names = [];
          for (let i = 0; i < count; i++) names.push((await rpc.call('sample', { temperature, seed: seed + i })).text);
          return names;
        } finally {
          if (other && here) {
            await rpc.call('load', { source: here.script.source, filename: here.script.filename, dataset: here.datasetText });
            await rpc.call('checkpoint_import', { blob: saved });
          }
        }
      });
    },
  };
}

// "n_embd 16 -> 8, n_head 4 -> 2": the constants that differ from the built-in script's.
function labelFor(hyper, builtin) {
  if (!hyper || !builtin) return 'edited script';
  const diffs = Object.keys({ ...builtin, ...hyper })
    .filter((k) => JSON.stringify(builtin[k]) !== JSON.stringify(hyper[k]))
    .map((k) => `${k} ${builtin[k] ?? '–'} -> ${hyper[k] ?? '–'}`);
  return diffs.length ? diffs.join(', ') : 'edited script';
}
