// The one channel between the page and the Python worker.
//
//   rpc.call(method, args)          -> Promise of the result, or rejects with a structured error
//                                      {type, message, traceback, line, col, phase}
//   rpc.latest(key, method, args)   -> like call, but while a request with the same key is in
//                                      flight only the newest waiting one is sent (sliders);
//                                      the ones it replaces never settle: their callers have
//                                      nothing to filter (a newer answer is on its way)
//   rpc.stream(method, args, onEvent) -> {promise, cancel(), tune(args)} for long jobs such as
//                                      training; tune({delay_ms}) changes its pace while it runs
//   rpc.on(name, handler)           -> subscribe to events that belong to no call (stdout, progress),
//                                      and 'call-failed' (the error of any call that failed)
//   rpc.restart()                   -> terminate the worker (e.g. an endless loop) and boot a new one
//   rpc.prepareRestart(), rpc.dropSpare() -> boot / end a spare worker that restart() swaps in
//   rpc.busySince                   -> when the oldest call still waiting for Python was sent
//                                      (performance.now()), or null when Python is idle
//
// `boot(send)` sends a new worker its boot message at once, then whatever else it needs, maybe
// later (the runtime, as the page parses it): a call sent meanwhile waits in the worker.
// `openAfter` (a Promise, optional): the first worker starts booting at once, but what it says
// is held back, and calls cannot be made, until it resolves (the page is not drawn yet).
//
// Only plain data crosses: numbers, strings, arrays, plain objects and typed arrays.
import { MSG, EVENT } from './protocol.js';

export function createRpc({ spawnWorker, boot, openAfter = null }) {
  let worker = null;
  let nextId = 1;
  const pending = new Map(); // id -> {resolve, reject, onEvent}
  const listeners = new Map(); // event name -> Set of handlers
  let openStreams = 0; // stream() jobs not finished yet
  const lanes = new Map(); // latest-request-wins key -> {busy, waiting}
  let readyPromise = null;
  let readyHandlers = null;
  let adopted = null; // the launched worker the page talks to
  let spare = null; // a worker booting in the background, for a restart that cannot wait

  function emit(name, payload) {
    for (const handler of listeners.get(name) ?? []) handler(payload);
  }

  // A booting worker. Its messages are held back until it becomes the current one, so a spare
  // (see prepareRestart) can boot quietly next to the worker the page talks to.
  function launch() {
    const booting = { worker: null, held: [], failure: null, current: false, retired: false };
    // A retired (terminated) worker's last messages are dropped: they belong to the old Python.
    const deliver = (fn) => {
      if (booting.retired) return;
      if (booting.current) fn();
      else booting.held.push(fn);
    };
    try {
      booting.worker = spawnWorker();
    } catch (e) {
      booting.failure = { type: 'WorkerError', message: `The Python worker could not be created: ${e.message}` };
      return booting;
    }
    booting.worker.onmessage = (e) => deliver(() => receive(e.data));
    booting.worker.onerror = (e) =>
      deliver(() => {
        fail({ type: 'WorkerError', message: e.message || 'The Python worker failed to start.' });
      });
    boot((message) => booting.worker.postMessage(message));
    return booting;
  }

  // Make a launched worker the one the page talks to: a new `ready`, then what it already said.
  function adopt(booting) {
    readyPromise = new Promise((resolve, reject) => {
      readyHandlers = { resolve, reject };
    });
    readyPromise.catch(() => {}); // a failed boot is reported through events too; avoid an unhandled rejection
    if (adopted) adopted.retired = true;
    adopted = booting;
    worker = booting.worker;
    booting.current = true;
    if (booting.failure) {
      const error = booting.failure;
      queueMicrotask(() => emit(EVENT.FATAL, error));
      readyHandlers.reject(error);
      return readyPromise;
    }
    for (const replay of booting.held.splice(0)) replay();
    return readyPromise;
  }

  function fail(error) {
    emit(EVENT.FATAL, error);
    readyHandlers.reject(error);
    failAll(error);
  }

  function receive(msg) {
    switch (msg.kind) {
      case MSG.PROGRESS:
        emit(EVENT.PROGRESS, msg);
        break;
      case MSG.READY:
        emit(EVENT.READY, msg);
        if (msg.ok) readyHandlers.resolve(msg.info);
        else readyHandlers.reject(msg.error);
        break;
      case MSG.FATAL:
        fail(msg.error);
        break;
      case MSG.RUNTIME:
        emit(EVENT.RUNTIME, msg);
        break;
      case MSG.EVENT: {
        const entry = msg.id != null ? pending.get(msg.id) : null;
        if (entry?.onEvent) entry.onEvent(msg.name, msg.payload);
        emit(msg.name, msg.payload);
        break;
      }
      case MSG.RESULT: {
        const entry = pending.get(msg.id);
        if (!entry) break;
        pending.delete(msg.id);
        if (msg.ok) entry.resolve(msg.result);
        else {
          emit(EVENT.CALL_FAILED, msg.error); // the page watches for errors that need a fresh worker
          entry.reject(msg.error);
        }
        break;
      }
      default:
        break;
    }
  }

  function failAll(error) {
    for (const [, entry] of pending) entry.reject(error);
    pending.clear();
  }

  function send(method, args, onEvent) {
    if (!worker) return { id: 0, promise: Promise.reject({ type: 'WorkerError', message: 'Python is not running.' }) };
    const id = nextId++;
    const promise = new Promise((resolve, reject) => pending.set(id, { resolve, reject, onEvent, sent: performance.now() }));
    worker.postMessage({ kind: MSG.CALL, id, method, args: args ?? {} });
    return { id, promise };
  }

  function call(method, args) {
    return send(method, args).promise;
  }

  function latest(key, method, args) {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { busy: false, waiting: null };
      lanes.set(key, lane);
    }
    return new Promise((resolve, reject) => {
      // The request it replaces is dropped unsettled: nobody waits for an answer that is stale.
      lane.waiting = { method, args, resolve, reject };
      pump(lane);
    });
  }

  function pump(lane) {
    if (lane.busy || !lane.waiting) return;
    const job = lane.waiting;
    lane.waiting = null;
    lane.busy = true;
    call(job.method, job.args)
      .then(job.resolve, job.reject)
      .finally(() => {
        lane.busy = false;
        pump(lane);
      });
  }

  function stream(method, args, onEvent) {
    const { id, promise } = send(method, args, onEvent);
    openStreams++;
    const ended = () => {
      openStreams--;
    };
    promise.then(ended, ended);
    return {
      promise,
      cancel: () => worker.postMessage({ kind: MSG.CANCEL, id }),
      tune: (tuning) => worker.postMessage({ kind: MSG.TUNE, id, args: tuning }),
    };
  }

  function on(name, handler) {
    if (!listeners.has(name)) listeners.set(name, new Set());
    listeners.get(name).add(handler);
    return () => listeners.get(name).delete(handler);
  }

  // A call that may never return (running an edited script) can ask for a spare worker to boot
  // beside it, with the boot message of that moment; Stop then swaps to it instead of waiting a
  // whole boot. dropSpare() ends it when it is no longer needed.
  function prepareRestart() {
    spare ??= launch();
  }

  function dropSpare() {
    if (spare) spare.retired = true;
    spare?.worker?.terminate();
    spare = null;
  }

  function restart() {
    worker?.terminate();
    failAll({ type: 'WorkerRestarted', message: 'Python was stopped and restarted.' });
    for (const lane of lanes.values()) {
      lane.busy = false;
      lane.waiting = null;
    }
    const next = spare ?? launch();
    spare = null;
    return adopt(next);
  }

  const first = launch();
  const opened = openAfter ? openAfter.then(() => adopt(first)) : Promise.resolve(adopt(first));
  opened.catch(() => {}); // a failed boot is reported through events, as above
  // `streaming`: a long job (training) is running, so work nobody asked for can wait.
  function busySince() {
    let oldest = null;
    for (const entry of pending.values()) if (oldest == null || entry.sent < oldest) oldest = entry.sent;
    return oldest;
  }

  return {
    call,
    latest,
    stream,
    on,
    restart,
    prepareRestart,
    dropSpare,
    get ready() {
      return readyPromise ?? opened;
    },
    get streaming() {
      return openStreams > 0;
    },
    get busySince() {
      return busySince();
    },
    get hasSpare() {
      return spare != null;
    },
  };
}
