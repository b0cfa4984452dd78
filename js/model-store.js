// The one owner of "the model changed". Every section reads the model's facts here and hears of
// every change from here, instead of each one subscribing to the worker's events and keeping
// its own counters.
//
//   store.info      the bridge's info for the script Python runs, as its load (or the last
//                   'model' change) reported it: the same object until then
//   store.step      steps done, now
//   store.version   bumped synchronously by every change: the worker posts an event before the
//                   answers it computes afterwards, so an answer arriving while `version` is v
//                   was computed from model v
//   store.state     the kept state (js/model-keeper.js): {script, datasetKey, checkpoint, step, history}
//   store.onRun(fn)     fn({kind: 'loaded', info, restored} | {kind: 'jumped', info, step}) when a
//                       run starts (js/runs/runs.js keeps the list of runs); store.tagRun(id)
//                       names the run the kept state is of
//   store.subscribe(fn) -> unsubscribe; fn(change) for each change, change.reason being
//     'load'   a script's setup ran (a Run, the boot, the build's recording; a restore after a
//              Stop only when it brought back another model than the one shown): {reason, info}
//     'step'   a training step finished: {reason, record, info, step, version}
//     'model'  another call changed the parameters (a direct `step`, a checkpoint import); the
//              store asked Python for the new info first: {reason, method, info, step, version}
//
// The page tells the store what it did (load, adopt, restored, jumped); the worker's 'step' and
// 'model-changed' events it hears itself. A load that starts a run (`run`: {script, datasetKey})
// becomes the kept state, with the last visit's checkpoint and history when Python restored them
// (`restored`: {checkpoint, history}), before any section hears of it.
import { ModelKeeper } from './model-keeper.js';
import { EVENT } from './protocol.js';

export class ModelStore {
  constructor(rpc) {
    this.rpc = rpc;
    this.keeper = new ModelKeeper();
    this.info = null;
    this.step = 0;
    this.version = 0;
    this.listeners = new Set();
    this.restoreEcho = false; // the next checkpoint_import event is a Stop's restore (restored())
    this.runListeners = new Set();
    rpc.on(EVENT.STEP, (record) => this.stepped(record));
    // A load is announced by whoever asked for it (load(), restored()), with its info.
    rpc.on(EVENT.MODEL_CHANGED, ({ method }) => {
      if (method === 'checkpoint_import' && this.restoreEcho) {
        this.restoreEcho = false; // the import that restored() already took in (see there)
        return;
      }
      if (method !== 'load') this.changed(method);
    });
  }

  get state() {
    return this.keeper.state;
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // A script's setup ran. Without `run` the info is only shown (the build's recording before
  // Python is up; a restore after a Stop, whose run is kept already).
  load(info, run = null, restored = null) {
    this.keep(info, run, restored);
    this.set(info);
    this.emit({ reason: 'load', info });
  }

  // The live worker's info, the very one already on screen (the build's recording of this run):
  // the same model, so no change and no new version.
  adopt(info, run = null, restored = null) {
    this.keep(info, run, restored);
    this.info = info;
    this.step = info?.step ?? 0;
  }

  onRun(fn) {
    this.runListeners.add(fn);
    return () => this.runListeners.delete(fn);
  }

  tagRun(id) {
    this.keeper.tag(id);
  }

  keep(info, run, restored) {
    if (!run) return;
    this.keeper.loaded(run.script, run.datasetKey, info);
    if (restored) this.keeper.jumped(restored.checkpoint, info, restored.history);
    for (const fn of this.runListeners) fn({ kind: 'loaded', info, restored });
  }

  // A fresh worker got the kept state back after a Stop (js/python-stop.js). When that is the
  // model the sections show (the same step), nothing changed for them: they keep what they drew
  // and ask Python nothing again. Redrawing every chapter would re-enter the very loop the
  // learner just stopped (a sampling loop, say) and keep Python busy for a second besides; a
  // chapter whose own call the Stop cut short says so and waits for the learner. A model other
  // than the one on screen (a change the page had not kept) is shown as a load.
  // `imported`: the state came back by a checkpoint import, whose 'model-changed' event follows
  // its answer; it is this same restore (the inference chapter would draw again on it).
  // Returns whether the sections redrew.
  restored(info, { imported = false } = {}) {
    this.restoreEcho = imported;
    if (this.info && (info?.step ?? 0) === this.step) {
      this.info = info;
      return false;
    }
    this.load(info);
    return true;
  }

  // A checkpoint was imported with the history that led to it (chapter 6's jump).
  jumped(blob, info, history) {
    this.keeper.jumped(blob, info, history);
    for (const fn of this.runListeners) fn({ kind: 'jumped', info, step: info?.step ?? 0 });
  }

  set(info) {
    this.info = info;
    this.step = info?.step ?? 0;
    this.version += 1;
  }

  stepped(record) {
    if (!record) return;
    this.keeper.stepped(record);
    this.step = Math.max(this.step, record.step ?? this.step + 1);
    this.version += 1;
    this.emit({ reason: 'step', record, info: this.info, step: this.step, version: this.version });
  }

  changed(method) {
    const version = ++this.version;
    const emit = () => this.emit({ reason: 'model', method, info: this.info, step: this.step, version });
    this.rpc.call('info', {}).then((info) => {
      this.info = info;
      this.step = info.step ?? this.step;
      emit();
    }, emit);
  }

  emit(change) {
    for (const fn of this.listeners) fn(change);
  }
}
