// The runs core: every script + data set as it ran is a run (its history, samples and kept
// states), the page's model is one of them (`current`), and the page can switch to any run or put
// the current one back at any step. The compare chapter and the download build on this API and on
// the shape of a run (a plain object, one IndexedDB record):
//   {id, label, createdAt, parent: {id, step} | null, builtin, script: {filename, source},
//    dataset: {key ('built-in' or the text's hash), filename}, numParams, hyper: {name: value},
//    step (its latest), history: {steps, losses, lrs, docs, ms} (one entry per completed step),
//    samples: [{step, seed, temperature, names}], stateSteps (the steps whose state is kept)}
// A rewind leaves the run's record whole (the page's store holds the history up to the step);
// the next step makes a branch, a new run whose history is the parent's up to there.
//
// Who owns what: the model store (js/model-store.js) owns "the model changed" and its keeper
// (js/model-keeper.js) the newest state in localStorage, so that no completed step is lost to a
// Stop, a reload or a crash. The runs core owns the list of runs: it hears from the store when a
// run starts (a Run, the boot, a jump to a build checkpoint) and each step, and keeps each run's
// record and its states at step 0, every KEEP_EVERY steps and the latest in IndexedDB
// (js/runs/run-db.js; in memory for this visit when IndexedDB refuses).
//
//   const runs = new Runs({rpc, store, defaultScript, checkpoints, openScript, datasetNow});
//   await runs.ready                  -> null, or the sentence saying why runs last only this visit
//   runs.list() / runs.current / runs.get(id) / runs.subscribe(fn) / runs.state(id, step)
//   runs.use(id) / runs.rewind(step) / runs.sampleWith(id, opts)   (js/runs/run-moves.js)
//   runs.pack(ids) / runs.unpack(pack, {open})                      (js/runs/run-pack.js)
import { RunDb, MemoryRunDb } from './run-db.js';
import { runLabel } from './run-label.js';
import { nativeRun, NATIVE_ID } from './native-run.js';
import { emptyHistory, pushRecord, historyUpTo, keptStepsOf, nearestAtOrBefore } from './run-history.js';
import { moveTo, sampleWith } from './run-moves.js';
import { pack, unpack } from './run-pack.js';

export const KEEP_EVERY = 50; // a full state every this many steps (the rest is replayed)
const KEEP_RUNS = 12; // the newest runs kept per copy of the guide (at least 8 asked for)
const WRITE_EVERY_MS = 1000; // a run's record and latest state are written at most this often

export class Runs {
  constructor({ rpc, store, defaultScript, checkpoints, openScript, datasetNow }) {
    this.rpc = rpc;
    this.store = store;
    this.defaultScript = defaultScript;
    this.checkpoints = checkpoints;
    this.openScript = openScript; // ({script, datasetText, datasetName, label}) -> {info, run}: main.js loads it in Python
    this.datasetNow = datasetNow; // () -> {name, text} of the page's data set, null for the built-in one
    this.db = null;
    this.builtinConstants = null;
    this.runs = new Map();
    this.current = null;
    this.rewoundAt = null; // the current run was put back at this step: the next step branches
    this.adopting = null; // a move under way: the next run the store starts is this one
    this.listeners = new Set();
    this.dirty = new Set(); // runs whose record waits to be written
    this.latest = new Map(); // run id -> {step, blob}: the newest state, waiting to be written
    this.timer = 0;
    /** @type {Promise<any>} */
    this.queue = Promise.resolve(); // the store's news, handled in order once the list is read
    this.ready = this.open();
    this.ready.then(() => this.emit('list', this.current)); // the kept runs are read
    store.onRun((news) => this.enqueue(() => this.started(news)));
    store.subscribe((change) => {
      if (change.reason === 'step') this.enqueue(() => this.stepped(change.record));
    });
    addEventListener('pagehide', () => this.flush());
  }

  async open() {
    const db = await RunDb.open();
    this.db = db ?? new MemoryRunDb();
    for (const run of await this.db.runs().catch(() => [])) this.runs.set(run.id, run);
    const native = await nativeRun(this.checkpoints, this.defaultScript).catch(() => null);
    if (native) this.runs.set(NATIVE_ID, native);
    this.builtinConstants = this.rpc.call('constants', { source: this.defaultScript.source }).catch(() => null);
    return db ? null : `Runs are kept for this visit only: ${RunDb.refused}.`;
  }

  enqueue(job) {
    this.queue = this.queue
      .then(() => this.ready)
      .then(job)
      .catch((error) => console.warn('runs:', error));
    return this.queue;
  }

  list() {
    return [...this.runs.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id) {
    return this.runs.get(id) ?? null;
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(reason, run) {
    for (const fn of this.listeners) fn({ reason, run });
  }

  // The state kept for run `id` at `step` (a branch reads its parent's up to where it left).
  async state(id, step) {
    const run = this.get(id);
    if (!run) return null;
    if (id === NATIVE_ID) return run.stateSteps.includes(step) ? this.checkpoints.bytes(step) : null;
    const waiting = this.latest.get(id);
    if (waiting?.step === step) return waiting.blob;
    if (run.stateSteps.includes(step)) return this.db.state(id, step);
    return run.parent && step <= run.parent.step ? this.state(run.parent.id, step) : null;
  }

  // The steps whose state can be read for `run`: its own, and its parent's up to the branch.
  keptSteps(run) {
    const own = [...run.stateSteps, ...(this.latest.has(run.id) ? [this.latest.get(run.id).step] : [])];
    const parent = run.parent && this.get(run.parent.id);
    const inherited = parent ? this.keptSteps(parent).filter((s) => s <= run.parent.step) : [];
    return [...new Set([...own, ...inherited])];
  }

  nearestState(run, step) {
    return nearestAtOrBefore(this.keptSteps(run), step);
  }

  use(id) {
    return moveTo(this, this.get(id), null, { load: true });
  }

  rewind(step) {
    return moveTo(this, this.current, step, { load: false });
  }

  sampleWith(id, options) {
    return sampleWith(this, id, options);
  }

  pack(ids) {
    return pack(this, ids);
  }

  unpack(bundle, options) {
    return unpack(this, bundle, options);
  }

  // The store started a run: a Run, the boot (with the last visit's state), a move of ours, or a
  // jump to one of the build's checkpoints (chapter 6).
  async started({ kind, info, restored, step }) {
    const kept = this.store.state;
    let run;
    if (this.adopting) {
      run = this.adopting;
      this.adopting = null;
    } else if (kind === 'jumped') {
      run = this.get(NATIVE_ID);
      if (!run) return;
      this.rewoundAt = this.branchesAt(run, step);
    } else {
      run = (restored?.runId && this.get(restored.runId)) || this.untrainedTwin(kept) || (await this.create(kept, info));
      this.rewoundAt = null;
    }
    if (info?.params) Object.assign(run, { numParams: run.numParams ?? info.params.count });
    this.setCurrent(run);
  }

  // Where the next step makes a branch once the page is on `run` at `step` (null: it goes on with
  // the run itself). The build's run never grows: training on from it always branches.
  branchesAt(run, step) {
    return step < run.step || run.id === NATIVE_ID ? step : null;
  }

  setCurrent(run) {
    const before = this.current;
    this.current = run;
    this.store.tagRun?.(run.id);
    // A run that never trained, replaced at once by another, is not worth a place in the list.
    if (before && before !== run && !before.history.steps.length && !before.samples.length && before.id !== NATIVE_ID) {
      this.runs.delete(before.id);
      this.db.deleteRun(before.id).catch(() => {});
    }
    this.emit('current', run);
    this.emit('list', run);
  }

  // An untrained run of this very script and data set (a reload before any step): the same run.
  untrainedTwin(kept) {
    return (
      this.list().find(
        (r) =>
          !r.parent &&
          r.id !== NATIVE_ID &&
          !r.history.steps.length &&
          r.script.source === kept.script.source &&
          r.dataset.key === datasetKeyOf(kept.datasetKey),
      ) ?? null
    );
  }

  async create(kept, info) {
    const dataset = this.datasetNow();
    const run = {
      id: `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      label: '',
      createdAt: Date.now(),
      parent: null,
      builtin: false,
      script: { filename: kept.script.filename, source: kept.script.source },
      dataset: { key: datasetKeyOf(kept.datasetKey), filename: dataset?.name ?? null },
      numParams: info?.params?.count ?? null,
      hyper: {},
      step: info?.step ?? 0,
      history: historyUpTo(kept.history ?? emptyHistory(), info?.step ?? 0), // a restored state's steps, if any
      samples: [],
      stateSteps: [],
    };
    run.builtin = run.script.source === this.defaultScript.source && run.dataset.key === 'built-in';
    if (dataset?.text != null) this.db.putDataset({ key: run.dataset.key, filename: dataset.name, text: dataset.text }).catch(() => {});
    await this.label(run);
    this.runs.set(run.id, run); // listed once it has its name
    await this.keepStartState(run);
    this.prune();
    this.save(run);
    return run;
  }

  async label(run) {
    const [constants, builtinConstants] = await Promise.all([
      this.rpc.call('constants', { source: run.script.source }).catch(() => null),
      this.builtinConstants,
    ]);
    run.hyper = Object.fromEntries(Object.entries(constants ?? {}).map(([name, c]) => [name, c.value]));
    run.label = runLabel({
      source: run.script.source,
      builtinSource: this.defaultScript.source,
      constants,
      builtinConstants,
      datasetName: run.dataset.key === 'built-in' ? null : run.dataset.filename,
    });
  }

  // The state the script's setup made: a rewind to step 0 imports it. Taken only while the model
  // is still at the run's start (a step that came in meanwhile would make it another state).
  async keepStartState(run) {
    const version = this.store.version;
    const { blob } = await this.rpc.call('checkpoint_export', {}).catch(() => ({ blob: null }));
    if (!blob || this.store.version !== version) return;
    await this.db.putState(run.id, run.step, blob).catch(() => {});
    run.stateSteps = [run.step];
  }

  // A completed step of the current run (or, after a rewind, the first step of its branch).
  stepped(record) {
    if (!record || !this.current) return;
    if (this.rewoundAt != null) this.branch(this.rewoundAt);
    const run = this.current;
    pushRecord(run.history, record);
    run.step = record.step;
    if (record.checkpoint) {
      if (record.step % KEEP_EVERY === 0) {
        run.stateSteps = [...new Set([...run.stateSteps, record.step])];
        this.latest.delete(run.id); // this step is the latest, and kept for good
        this.db.putState(run.id, record.step, record.checkpoint).catch(() => {});
      } else this.latest.set(run.id, { step: record.step, blob: record.checkpoint });
    }
    this.save(run);
    this.emit('step', run);
  }

  // Training went on from a rewound step: a new run, the parent's history up to there.
  branch(step) {
    const parent = this.current;
    this.rewoundAt = null;
    const run = {
      ...structuredClone({ ...parent, history: undefined, samples: undefined, stateSteps: undefined }),
      id: `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      label: `${parent.label}, from step ${step}`,
      createdAt: Date.now(),
      parent: { id: parent.id, step },
      builtin: false,
      step,
      history: historyUpTo(parent.history, step),
      samples: [],
      stateSteps: [],
    };
    delete run.history.native; // the curve's "native" part is the parent's story, kept in it
    if (parent.history.native) run.history.native = Math.min(parent.history.native, run.history.steps.length);
    this.runs.set(run.id, run);
    this.current = run;
    this.store.tagRun?.(run.id);
    this.prune();
    this.emit('current', run);
    this.emit('list', run);
  }

  // Records and latest states are written at most every WRITE_EVERY_MS, and when the page hides.
  save(run) {
    if (run.id === NATIVE_ID) return;
    this.dirty.add(run.id);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), WRITE_EVERY_MS);
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = 0;
    for (const id of this.dirty) {
      const run = this.get(id);
      if (!run) continue;
      const waiting = this.latest.get(id);
      if (waiting) {
        const [stateSteps, dropped] = keptStepsOf(run.stateSteps, waiting.step, KEEP_EVERY);
        run.stateSteps = stateSteps;
        this.latest.delete(id);
        this.db.putState(id, waiting.step, waiting.blob).catch(() => {});
        if (dropped != null) this.db.deleteState(id, dropped).catch(() => {});
      }
      this.db.putRun(run).catch(() => {});
    }
    this.dirty.clear();
  }

  // The newest KEEP_RUNS runs stay (and the current one, and any run a kept branch starts from).
  prune() {
    const own = this.list().filter((r) => r.id !== NATIVE_ID);
    const keep = new Set(own.slice(0, KEEP_RUNS).map((r) => r.id));
    if (this.current) keep.add(this.current.id);
    for (const id of [...keep]) for (let r = this.get(id); r?.parent; r = this.get(r.parent.id)) keep.add(r.parent.id);
    for (const run of own) {
      if (keep.has(run.id)) continue;
      this.runs.delete(run.id);
      this.db.deleteRun(run.id).catch(() => {});
    }
  }
}

// The page's data set key (`built-in:<sha>` or `text:<hash>`) as a run names it.
export function datasetKeyOf(pageKey) {
  return !pageKey || pageKey.startsWith('built-in') ? 'built-in' : pageKey.replace(/^text:/, '');
}
