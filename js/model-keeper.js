// The last good state of the model, kept by the page so that nothing Python did is lost to a
// Stop, a reload or a crashed worker.
//
// After every training step the worker sends the bridge's checkpoint (parameters, Adam's
// moments, the step count and the random state: py/bridge/checkpoint.py) with the step record.
// The keeper holds the newest one with the loss history that led to it, and writes both to this
// copy's storage (js/copy-storage.js), so that:
//   - a Stop (the worker is ended, js/python-stop.js) restores it into the fresh worker;
//   - a reload boots with the same script and restores it;
//   - a Run of another script starts over (a new run: no checkpoint, no history).
//
//   keeper.loaded(script, datasetKey, info)    a script's setup ran: its start is the state
//   keeper.stepped(record)                      a step finished: its checkpoint is the state
//   keeper.jumped(blob, info, history)          a checkpoint was imported (chapter 6's jump)
//   keeper.tag(runId)                           the run (js/runs/) this state belongs to
//   keeper.state                                {script, datasetKey, checkpoint, step, history, runId}
//   ModelKeeper.saved(script, datasetKey)       the stored state of the last visit, if it is
//                                               for this script and data set
import { readJson, writeJson } from './copy-storage.js';
import { base64ToBytes, bytesToBase64 } from './codec/bytes.js';
import { emptyHistory, pushRecord } from './runs/run-history.js';

const RUN_KEY = 'run';
const WRITE_EVERY_MS = 250; // a burst of fast steps is written once, then flushed on pagehide

export class ModelKeeper {
  constructor() {
    this.state = null;
    this.dirty = false;
    this.lastWrite = 0;
    this.timer = 0;
    addEventListener('pagehide', () => this.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.flush();
    });
  }

  loaded(script, datasetKey, info) {
    this.state = { script, datasetKey, checkpoint: null, step: info?.step ?? 0, history: emptyHistory(), runId: null };
    this.write(true);
  }

  stepped(record) {
    if (!this.state || !record) return;
    if (record.checkpoint) this.state.checkpoint = record.checkpoint;
    this.state.step = record.step;
    pushRecord(this.state.history, record);
    this.write(false);
  }

  jumped(blob, info, history) {
    if (!this.state) return;
    this.state.checkpoint = blob;
    this.state.step = info?.step ?? 0;
    // A copy: the chapter goes on pushing to its own arrays, and so does record().
    const copy = Object.fromEntries(Object.entries(history ?? {}).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
    this.state.history = { ...emptyHistory(), ...copy };
    const h = this.state.history;
    if (h.ms.length !== h.steps.length) h.ms = h.steps.map((_, i) => h.ms[i] ?? null); // a history without step times

    this.write(true);
  }

  // The runs core names the run this state is of, so that a reload goes on with that run.
  tag(runId) {
    if (!this.state || this.state.runId === runId) return;
    this.state.runId = runId;
    this.write(true);
  }

  // The state of the last visit, if it belongs to this script and data set.
  static saved(script, datasetKey) {
    const stored = readJson(RUN_KEY);
    if (!stored || stored.script?.source !== script.source || stored.datasetKey !== datasetKey) return null;
    try {
      return { ...stored, checkpoint: stored.checkpoint ? base64ToBytes(stored.checkpoint) : null };
    } catch {
      return null;
    }
  }

  // The state is written at most every WRITE_EVERY_MS, and at once when the page is hidden.
  write(now) {
    this.dirty = true;
    const wait = this.lastWrite + WRITE_EVERY_MS - performance.now();
    if (now || wait <= 0) {
      this.flush();
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    if (!this.dirty || !this.state) return;
    clearTimeout(this.timer);
    this.dirty = false;
    this.lastWrite = performance.now();
    const { checkpoint, ...rest } = this.state;
    writeJson(RUN_KEY, { ...rest, checkpoint: checkpoint ? bytesToBase64(checkpoint) : null, savedAt: Date.now() });
  }
}
