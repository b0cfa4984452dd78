// The one channel between the page and the Python worker.
//
//   rpc.call(method, args)          -> Promise of the result, or rejects with a structured error
//                                      {type, message, traceback, line, col, phase}
//   rpc.latest(key, method, args)   -> like call, but while a request with the same key is in
//                                      flight only the newest waiting one is sent (sliders);
//                                      the ones it replaces reject with {type: 'Superseded'}
//   rpc.stream(method, args, onEvent) -> {promise, cancel(), tune(args)} for long jobs such as
//                                      training; tune({delay_ms}) changes its pace while it runs
//   rpc.on(name, handler)           -> subscribe to events that belong to no call (stdout, progress)
//   rpc.restart()                   -> terminate the worker (e.g. an endless loop) and boot a new one
//
// Only plain data crosses: numbers, strings, arrays, plain objects and typed arrays.
import { MSG } from './protocol.js';

export function createRpc({ spawnWorker, bootMessage }) {
  let worker = null;
  let nextId = 1;
  const pending = new Map(); // id -> {resolve, reject, onEvent}
  const listeners = new Map(); // event name -> Set of handlers
  const lanes = new Map(); // latest-request-wins key -> {busy, waiting}
  let readyPromise = null;

  function emit(name, payload) {
    for (const handler of listeners.get(name) ?? []) handler(payload);
  }

  function start() {
    let resolveReady;
    let rejectReady;
    readyPromise = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
    readyPromise.catch(() => {}); // a failed boot is reported through events too; avoid an unhandled rejection
    try {
      worker = spawnWorker();
    } catch (e) {
      const error = { type: 'WorkerError', message: `The Python worker could not be created: ${e.message}` };
      queueMicrotask(() => emit('fatal', error));
      rejectReady(error);
      return readyPromise;
    }
    worker.onmessage = (e) => {
      const msg = e.data;
      switch (msg.kind) {
        case MSG.PROGRESS: emit('progress', msg); break;
        case MSG.READY:
          emit('ready', msg);
          if (msg.ok) resolveReady(msg.info); else rejectReady(msg.error);
          break;
        case MSG.FATAL:
          emit('fatal', msg.error);
          rejectReady(msg.error);
          failAll(msg.error);
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
          if (msg.ok) entry.resolve(msg.result); else entry.reject(msg.error);
          break;
        }
        default: break;
      }
    };
    worker.onerror = (e) => {
      const error = { type: 'WorkerError', message: e.message || 'The Python worker failed to start.' };
      emit('fatal', error);
      rejectReady(error);
      failAll(error);
    };
    worker.postMessage(bootMessage());
    return readyPromise;
  }

  function failAll(error) {
    for (const [, entry] of pending) entry.reject(error);
    pending.clear();
  }

  function send(method, args, onEvent) {
    if (!worker) return { id: 0, promise: Promise.reject({ type: 'WorkerError', message: 'Python is not running.' }) };
    const id = nextId++;
    const promise = new Promise((resolve, reject) => pending.set(id, { resolve, reject, onEvent }));
    worker.postMessage({ kind: MSG.CALL, id, method, args: args ?? {} });
    return { id, promise };
  }

  function call(method, args) {
    return send(method, args).promise;
  }

  function latest(key, method, args) {
    let lane = lanes.get(key);
    if (!lane) { lane = { busy: false, waiting: null }; lanes.set(key, lane); }
    return new Promise((resolve, reject) => {
      if (lane.waiting) lane.waiting.reject({ type: 'Superseded', message: 'A newer request replaced this one.' });
      lane.waiting = { method, args, resolve, reject };
      pump(lane);
    });
  }

  function pump(lane) {
    if (lane.busy || !lane.waiting) return;
    const job = lane.waiting;
    lane.waiting = null;
    lane.busy = true;
    call(job.method, job.args).then(job.resolve, job.reject).finally(() => {
      lane.busy = false;
      pump(lane);
    });
  }

  function stream(method, args, onEvent) {
    const { id, promise } = send(method, args, onEvent);
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

  function restart() {
    worker?.terminate();
    failAll({ type: 'WorkerRestarted', message: 'Python was stopped and restarted.' });
    for (const lane of lanes.values()) { lane.busy = false; lane.waiting = null; }
    return start();
  }

  start();
  return { call, latest, stream, on, restart, get ready() { return readyPromise; } };
}
