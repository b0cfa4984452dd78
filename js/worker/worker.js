// The Python worker: boots Pyodide from the embedded runtime, runs the script's setup, then
// answers the page's calls one at a time. Python never runs on the page's UI thread.
import { MSG, EVENT } from '../protocol.js';
import { bootPyodide } from './pyodide-boot.js';
import { AssetInbox } from './asset-inbox.js';
import { createSession, transferables } from './session.js';
import { base64ToBytes, gunzipText } from '../codec/bytes.js';
import { assetText } from './asset-decode.js';

let session = null;
let booted = null; // resolves when the session exists
const assets = new AssetInbox(); // the runtime's files, piece by piece as the page parses them
const cancelled = new Set();
const queue = [];
let working = false;

const post = (message, transfer = []) => self.postMessage(message, transfer);

// Python's memory is bounded, so that a runaway script (a list that never stops growing) ends
// in a MemoryError within seconds instead of taking the wasm heap to 4 GB first. Emscripten grows
// the heap through Memory.prototype.grow and treats a refusal as malloc failing, which Python
// turns into MemoryError; the page then starts a fresh worker (see js/python-stop.js).
const HEAP_LIMIT_BYTES = 1024 * 2 ** 20;
const grow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function growWithinLimit(pages) {
  if (this.buffer.byteLength + pages * 65536 > HEAP_LIMIT_BYTES) {
    throw new RangeError(`the page keeps Python within ${HEAP_LIMIT_BYTES / 2 ** 20} MB of memory`);
  }
  return grow.call(this, pages);
};
const progress = (stage, status, ms, label) => post({ kind: MSG.PROGRESS, stage, status, ms, label });

// Every failure is posted to the page: an exception that escapes a worker's boot is otherwise
// an invisible hang in some engines.
function describe(error) {
  if (error && typeof error === 'object' && 'type' in error && 'message' in error) return error;
  return { type: error?.name ?? 'Error', message: String(error?.message ?? error), traceback: String(error?.stack ?? '') };
}

// The setup stage's name when the snapshot held the script already loaded: it ran at build time.
const PRELOADED_SETUP = "The script's setup, run when this page was built (restored with Python)";

// `script` runs first; if its setup fails and `fallback` (the built-in script) is given, that
// runs instead and READY says why (`fellBack`). `restore` (a checkpoint blob of the script's
// last visit, bytes) is imported after its setup, so Python is ready where the learner left it.
async function boot({ pythonSources, script, dataset, runtime: reuse, fallback, restore, warm }) {
  const t0 = performance.now();
  const sources = readSources(pythonSources);
  sources.catch(() => {}); // awaited once Python is up; this only avoids an "unhandled" report
  const { pyodide, runtime } = await bootPyodide(assets, progress, reuse ?? {});
  assets.close();
  shareRuntime(runtime);
  progress('setup', 'running');
  const tSetup = performance.now();
  session = createSession(pyodide, await sources, (kind, payload) => post({ kind: MSG.EVENT, id: null, name: kind, payload }));
  checkWorkerMethods(session.methods);
  // The embedded names list is gzip+base64; a data set the learner opened comes as plain text.
  const datasetText = dataset.encoding === 'text' ? dataset.text : await gunzipText(base64ToBytes(dataset.text));
  // The default script comes already loaded in the snapshot; any other one is loaded here.
  let answer = session.adopt(script, datasetText);
  const adopted = Boolean(answer);
  answer ??= session.handle('load', { source: script.source, filename: script.filename, dataset: datasetText });
  let fellBack = null;
  if (!answer.ok && fallback) {
    fellBack = { error: answer.error, script };
    answer = session.handle('load', { source: fallback.source, filename: fallback.filename, dataset: datasetText });
  }
  let restored = null;
  if (answer.ok && restore && !fellBack) {
    const imported = session.handle('checkpoint_import', { blob: restore });
    if (imported.ok) answer = imported;
    restored = imported.ok ? { step: imported.result.step } : { error: imported.error };
  }
  const setupMs = performance.now() - tSetup;
  progress('setup', answer.ok ? 'done' : 'failed', setupMs, adopted ? PRELOADED_SETUP : undefined);
  const timings = { total: performance.now() - t0, setup: setupMs, pyodideVersion: pyodide.version };
  post({ kind: MSG.READY, ok: answer.ok, info: answer.result, error: answer.error, timings, fellBack, restored });
  if (warm && answer.ok) warmUp(script);
}

// A spare worker (js/python-stop.js) waits in the background until a Stop swaps it in; then
// the page's first calls (`info`, `constants`) answer at once. Their first run in a new
// worker costs a few tenths of a second more than the next one (cold code paths in Python and
// in the conversions), so the spare runs each once now, while nobody is waiting.
function warmUp(script) {
  session.handle('info', {});
  session.handle('constants', { source: script.source });
}

// The bridge's sources, {path: text}: the page sends them as embedded (gzip+text8, see
// py/builder/build.py); a test may send the object itself.
async function readSources(sources) {
  if (typeof sources?.encoding !== 'string') return sources;
  return JSON.parse(await assetText({ name: 'python-sources', ...sources }));
}

// The page keeps the compiled wasm and the decoded stdlib for the next worker (Stop restarts
// one). An engine that cannot post a WebAssembly.Module simply boots the next one in full.
// The decoded snapshot (~35 MB) is handed over, not copied: Python has been restored from it and
// this worker never reads it again, and copying it took ~0.15-0.2 s of the boot (bench/boot.py).
function shareRuntime(runtime) {
  const snapshot = runtime.stdlib.snapshot;
  const buffers = snapshot ? [...new Set([snapshot.image.buffer, snapshot.bytes.buffer])] : [];
  try {
    post({ kind: MSG.RUNTIME, module: runtime.module, stdlib: runtime.stdlib }, buffers);
  } catch {
    // DataCloneError: nothing to share
  }
}

// A macrotask boundary: lets CANCEL (and other calls) arrive between training steps.
const channel = new MessageChannel();
const tick = () =>
  new Promise((resolve) => {
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(0);
  });

// The pause between training steps ("watch every step"), per streaming job: set by the call's
// `delay_ms` and changed while it runs by TUNE, so the worker paces the loop, not the page.
const delays = new Map();
const MAX_DELAY_MS = 2000;
const clampDelay = (ms) => Math.min(MAX_DELAY_MS, Math.max(0, Number(ms) || 0));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits out the job's delay in short slices, so a CANCEL or a new speed takes effect at once.
async function pause(id) {
  const start = performance.now();
  while (!cancelled.has(id) && performance.now() - start < (delays.get(id) ?? 0)) await sleep(Math.min(50, delays.get(id)));
}

// `train`: the bridge's `step`, one at a time, each record streamed as a 'step' event.
async function train(id, args) {
  const steps = Math.max(1, Math.floor(args.steps ?? 1));
  delays.set(id, clampDelay(args.delay_ms));
  let done = 0;
  try {
    for (; done < steps && !cancelled.has(id); done++) {
      const answer = session.handle('step', { count: 1, with_params: Boolean(args.with_params), watch: args.watch ?? [] });
      if (!answer.ok) return answer;
      const record = answer.result[0];
      if (!record) break; // the loop's iterable is used up
      // The state after this step, for the page to keep: a Stop, a reload or a crash later
      // never loses it (the page restores it into a fresh worker).
      const kept = session.handle('checkpoint_export', {});
      if (kept.ok) record.checkpoint = kept.result.blob;
      post({ kind: MSG.EVENT, id, name: EVENT.STEP, payload: record }, transferables(record));
      await tick();
      await serveWaitingCalls();
      if (done + 1 < steps) await pause(id);
    }
  } finally {
    cancelled.delete(id);
    delays.delete(id);
  }
  return { ok: true, result: { steps: done } };
}

// How much memory Python has: the wasm heap (which only grows) and what the interpreter holds
// now (its allocated blocks), for bench/soak.py and the curious.
function heap() {
  const python = session.handle('eval', { code: "(__import__('sys').getallocatedblocks(), len(__import__('gc').get_objects()))" });
  const [blocks, objects] = python.ok ? python.result.repr.match(/\d+/g).map(Number) : [null, null];
  return { ok: true, result: { wasm_bytes: session.wasmBytes(), limit_bytes: HEAP_LIMIT_BYTES, allocated_blocks: blocks, objects } };
}

// The methods the bridge's registry (py/bridge/methods.py) says the worker runs, around the session.
const WORKER_METHODS = { train, heap };

// The registry and this file must name the same worker methods: a method declared on one side
// only would be refused as unknown, or run without the registry saying whether it streams.
function checkWorkerMethods(methods) {
  const declared = Object.keys(methods)
    .filter((name) => methods[name].by_worker)
    .sort();
  const here = Object.keys(WORKER_METHODS).sort();
  if (declared.join() !== here.join()) {
    throw new Error(`The bridge declares the worker methods [${declared}] but the worker runs [${here}]`);
  }
}

const streams = (method) => Boolean(session?.methods[method]?.streams);

async function serve({ id, method, args }) {
  try {
    await booted;
    if (!session) throw new Error('Python is not running.');
    const entry = session.methods[method];
    const answer = entry?.by_worker ? await WORKER_METHODS[method](id, args ?? {}) : session.handle(method, args);
    post(
      { kind: MSG.RESULT, id, ok: answer.ok, result: answer.result, error: answer.error },
      answer.ok ? transferables(answer.result) : [],
    );
    // Every view of the parameters redraws on this one event, whoever changed them.
    if (answer.ok && entry?.changes_model) post({ kind: MSG.EVENT, id: null, name: EVENT.MODEL_CHANGED, payload: { method } });
  } catch (error) {
    post({ kind: MSG.RESULT, id, ok: false, error: describe(error) });
  }
}

// Between two training steps, the calls that arrived meanwhile are answered, so every other
// section keeps working while the model trains. Another streaming job waits its turn.
async function serveWaitingCalls() {
  const waiting = queue.filter((msg) => !streams(msg.method));
  for (const msg of waiting) {
    queue.splice(queue.indexOf(msg), 1);
    await serve(msg);
  }
}

// Calls run one after another; CANCEL is handled at once.
async function drain() {
  if (working) return;
  working = true;
  while (queue.length) await serve(queue.shift());
  working = false;
}

self.onmessage = (e) => {
  const msg = e.data;
  if (msg.kind === MSG.BOOT) {
    booted = boot(msg.boot).catch((error) => post({ kind: MSG.FATAL, error: describe(error) }));
  } else if (msg.kind === MSG.ASSET) {
    assets.put(msg.piece);
  } else if (msg.kind === MSG.ASSETS_END) {
    assets.end();
  } else if (msg.kind === MSG.CANCEL) {
    cancelled.add(msg.id);
  } else if (msg.kind === MSG.TUNE) {
    if (delays.has(msg.id)) delays.set(msg.id, clampDelay(msg.args?.delay_ms));
  } else if (msg.kind === MSG.CALL) {
    queue.push(msg);
    drain();
  }
};
