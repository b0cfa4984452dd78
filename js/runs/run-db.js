// The runs in this browser's IndexedDB, one database per copy of the guide (named by
// js/copy-storage.js's copyKey, like its localStorage keys: a downloaded copy never shares runs
// with the original). Three stores: `runs` (one record per run, js/runs/runs.js's shape),
// `states` (the bridge's checkpoint bytes, keyed [run id, step]) and `datasets` (a data set's text
// by its hash, for switching back to a run trained on it).
//
// IndexedDB may be missing or refuse (private windows, some engines on file://): open() then
// resolves null with the reason in RunDb.refused, and the page goes on without kept runs.
//
//   const db = await RunDb.open();          // RunDb | null
//   await db.runs()                          // every stored run
//   await db.putRun(run); await db.deleteRun(id)
//   await db.putState(id, step, bytes); await db.state(id, step); await db.deleteState(id, step)
//   await db.putDataset({key, filename, text}); await db.dataset(key)
import { copyKey } from '../copy-storage.js';

const VERSION = 1;
const OPEN_WAIT_MS = 5000;

export class RunDb {
  static refused = null; // why open() resolved null, for the page's note

  constructor(idb) {
    this.idb = idb;
  }

  static open() {
    return new Promise((resolve) => {
      const fail = (why) => {
        clearTimeout(timer);
        RunDb.refused = why;
        resolve(null);
      };
      // Some engines never answer an open on file://: after a while the runs go on without it.
      const timer = setTimeout(() => fail(`IndexedDB did not answer in ${OPEN_WAIT_MS / 1000} s`), OPEN_WAIT_MS);
      let request;
      try {
        if (!globalThis.indexedDB) return fail('this browser has no IndexedDB here');
        request = indexedDB.open(copyKey('runs'), VERSION);
      } catch (error) {
        return fail(String(error?.message ?? error));
      }
      request.onupgradeneeded = () => {
        const idb = request.result;
        if (!idb.objectStoreNames.contains('runs')) idb.createObjectStore('runs', { keyPath: 'id' });
        if (!idb.objectStoreNames.contains('states')) idb.createObjectStore('states', { keyPath: ['id', 'step'] });
        if (!idb.objectStoreNames.contains('datasets')) idb.createObjectStore('datasets', { keyPath: 'key' });
      };
      request.onsuccess = () => {
        clearTimeout(timer);
        if (RunDb.refused)
          request.result.close(); // too late: the page went on without it
        else resolve(new RunDb(request.result));
      };
      request.onerror = () => fail(String(request.error?.message ?? 'IndexedDB refused'));
      request.onblocked = () => fail('IndexedDB is held by another tab of this copy');
    });
  }

  runs() {
    return this.ask('runs', 'readonly', (s) => s.getAll());
  }

  putRun(run) {
    return this.ask('runs', 'readwrite', (s) => s.put(run));
  }

  // A run and every state kept for it.
  async deleteRun(id) {
    await this.ask('states', 'readwrite', (s) => s.delete(IDBKeyRange.bound([id, -Infinity], [id, Infinity])));
    return this.ask('runs', 'readwrite', (s) => s.delete(id));
  }

  putState(id, step, blob) {
    return this.ask('states', 'readwrite', (s) => s.put({ id, step, blob }));
  }

  async state(id, step) {
    const found = await this.ask('states', 'readonly', (s) => s.get([id, step]));
    return found ? new Uint8Array(found.blob) : null;
  }

  deleteState(id, step) {
    return this.ask('states', 'readwrite', (s) => s.delete([id, step]));
  }

  putDataset(dataset) {
    return this.ask('datasets', 'readwrite', (s) => s.put(dataset));
  }

  dataset(key) {
    return this.ask('datasets', 'readonly', (s) => s.get(key));
  }

  // One request in a transaction of its own; resolves once the transaction is done (written).
  ask(store, mode, make) {
    return new Promise((resolve, reject) => {
      const tx = this.idb.transaction(store, mode);
      const request = make(tx.objectStore(store));
      tx.oncomplete = () => resolve(request.result ?? null);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB aborted the write'));
    });
  }
}

// The same API in memory, for a page whose IndexedDB refused: runs work for this visit only.
export class MemoryRunDb {
  constructor() {
    this.stores = { runs: new Map(), states: new Map(), datasets: new Map() };
  }

  async runs() {
    return [...this.stores.runs.values()];
  }

  async putRun(run) {
    this.stores.runs.set(run.id, structuredClone(run));
  }

  async deleteRun(id) {
    for (const key of this.stores.states.keys()) if (key.startsWith(`${id}\0`)) this.stores.states.delete(key);
    this.stores.runs.delete(id);
  }

  async putState(id, step, blob) {
    this.stores.states.set(`${id}\0${step}`, blob);
  }

  async state(id, step) {
    return this.stores.states.get(`${id}\0${step}`) ?? null;
  }

  async deleteState(id, step) {
    this.stores.states.delete(`${id}\0${step}`);
  }

  async putDataset(dataset) {
    this.stores.datasets.set(dataset.key, dataset);
  }

  async dataset(key) {
    return this.stores.datasets.get(key) ?? null;
  }
}
