// The page: starts Python in a worker and paints at once (prose, layout, diagrams are static
// HTML), then lets each section draw what the running script reports.
import './editor/page-snapshot.js'; // first: it copies the page before anything changes it
import { MSG, EVENT } from './protocol.js';
import { createRpc } from './rpc.js';
import { missingFeatures } from './support.js';
import {
  eachRuntimeAsset,
  readPythonSources,
  readDefaultScript,
  readDataset,
  readBuildInfo,
  readCheckpoints,
  spawnWorker,
} from './embedded.js';
import { BootProgress } from './ui/boot-progress.js';
import { ConsolePanel } from './ui/console-panel.js';
import { initScrollSpy } from './ui/scroll-spy.js';
import { keepReadingPosition } from './ui/scroll-anchor.js';
import { initNavMenu } from './ui/nav-menu.js';
import { initGlossary } from './ui/glossary.js';
import { followLinks } from './ui/link-landing.js';
import { scrollCue } from './ui/scroll-cue.js';
import { initShortcuts } from './ui/shortcuts.js';
import { renderStatus } from './ui/facts.js';
import { sections } from './sections/index.js';
import { FirstFrame } from './first-frame.js';
import { ScriptPanel } from './editor/script-panel.js';
import { loadSaved, loadSavedDataset } from './editor/saved-script.js';
import { ModelStore } from './model-store.js';
import { ModelKeeper } from './model-keeper.js';
import { Runs } from './runs/runs.js';
import { copyKey, textHash } from './copy-storage.js';
import { createStopper } from './python-stop.js';
import { showScriptFacts } from './script-facts.js';
import { BuiltCheckpoints } from './sections/training/checkpoints.js';
import { base64ToBytes, gunzipText } from './codec/bytes.js';
import { readFileRuns, openingRun } from './runs-file.js';

const $ = (selector) => document.querySelector(selector);

// The page records its own errors and boot state, for drivers that cannot read the console
// (WebKitWebDriver) or await a Promise.
const errors = [];
const status = { state: 'booting', error: null, bootMs: null };
window.addEventListener('error', (e) => errors.push(String(e.message ?? e)));
window.addEventListener('unhandledrejection', (e) => errors.push(String(e.reason?.message ?? e.reason)));
const liveRoots = new Map(sections.map((s) => [s.id, document.querySelector(`[data-live="${s.id}"]`)]));
const firstFrame = new FirstFrame(liveRoots);
if (firstFrame.block) firstFrame.unpack().catch(() => {}); // decoding overlaps the wait below; show() reports a failure

const defaultScript = readDefaultScript();
const buildInfo = readBuildInfo();
// The script the sections explain, {filename, source}: the learner's saved edit if there is one
// (what the editor shows is what runs), else the default; then the last edit that ran. A
// restarted worker boots with it too, so Stop brings back the page as it was.
const savedSource = loadSaved(defaultScript.source);
let script = savedSource != null ? { filename: defaultScript.filename, source: savedSource } : defaultScript;
let datasetText = loadSavedDataset()?.text ?? null; // a data set the learner opened, else null: the embedded one
const datasetKey = () => (datasetText == null ? `built-in:${buildInfo.dataset?.sha256}` : `text:${textHash(datasetText)}`);
// Runs this file was downloaded with ("Download guide", js/runs-file.js): a first visit opens on
// the chosen one, at its step; the copy's own last visit, once there is one, comes first.
const fileRuns = await readFileRuns();
// The last visit's trained state, if it is for this very script and data set.
const lastVisit = ModelKeeper.saved(script, datasetKey()) ?? openingRun(fileRuns, script);
let launches = 0;
// The build's checkpoints of the default script (chapter 6's jump, the prose's figures).
const checkpoints = new BuiltCheckpoints({ read: readCheckpoints, datasetBlock: () => readDataset().text });
// The first worker's compiled wasm and decoded stdlib: a restarted worker skips decoding them.
let runtimeCache = null;

// The prose paints first: this script runs while the parser is still reading the file (an async
// module), and nothing that draws must hold up that first frame. (A hidden page has no frames:
// there the wait ends after 100 ms.)
const painted = new Promise((resolve) => {
  requestAnimationFrame(() => setTimeout(resolve, 0));
  setTimeout(resolve, 100);
});
// Python's boot is the longest wait, so it starts now, beside the first paint: the worker
// begins on the runtime while the page draws; what it reports is held until then.
const launched = startWorker(painted);
await painted;

const progress = new BootProgress($('#boot'), $('#runtime-badge'));
const consolePanel = new ConsolePanel($('#console'));

initGlossary(); // first: the "?" markers and the Glossary chapter's list are static page content
followLinks(); // after the list: an address may point at one of its entries
initScrollSpy([...document.querySelectorAll('[data-nav]')], [...document.querySelectorAll('.chapter')]);
keepReadingPosition([...document.querySelectorAll('.chapter')]); // WebKit has no scroll anchoring
initNavMenu($('.sidebar'), $('#nav-toggle'));
scrollCue($('.pipeline-scroll')); // the hero's diagram, on a phone
initShortcuts($('#shortcuts-button'));
document.querySelector('[data-fact="pyodide-version"]').textContent = buildInfo.pyodideVersion;

// The embedded names list as text, for a Run after the learner went back from their own data
// set (decoded once, on demand: the worker decodes its own copy at boot).
let defaultDatasetText = null;
function decodeDataset(dataset) {
  defaultDatasetText ??= gunzipText(base64ToBytes(dataset.text));
  return defaultDatasetText;
}

// The sections, as created (see js/sections/index.js): {id, root, update(change), dispose()}.
let mounted = [];
function mountSections(ctx) {
  mounted = sections.map((section) => {
    const root = liveRoots.get(section.id);
    return { id: section.id, root, ...section.createSection(root, ctx) };
  });
}

// Every change of the model reaches every section through the store, as one call of update().
function onModelChange(change) {
  if (change.reason === 'load') {
    showSections(change);
    return;
  }
  for (const section of mounted) updateSection(section, change);
}

function updateSection(section, change) {
  try {
    section.update(change);
  } catch (error) {
    const live = section.root.querySelector('.live-body') ?? section.root;
    renderStatus(live, `This section could not draw the script's data: ${error.message}`, true);
  }
}

// After a load, each section redraws in a task of its own, so drawing them all never blocks the
// page for long; a newer script's info supersedes an older round that has not finished.
let showRound = 0;
let sectionRpc = null; // the sections' channel to Python (the first frame's, then the worker's)
let store = null; // the model store (js/model-store.js), once the worker is launched
// Where the browser has task priorities, the next section comes before the parser's next piece of
// the runtime (which would otherwise take turns with every section).
const nextTask = globalThis.scheduler?.postTask
  ? () => globalThis.scheduler.postTask(() => {}, { priority: 'user-blocking' })
  : () => new Promise((resolve) => setTimeout(resolve, 0));

async function showSections(change) {
  const round = ++showRound;
  showScriptFacts(change.info, { rpc: sectionRpc, filename: script.filename, checkpoints }).catch(() => {}); // the prose's figures
  for (const section of mounted) {
    if (round !== showRound) return;
    updateSection(section, change);
    await nextTask();
  }
}

function showOnSections(text, isError) {
  for (const root of liveRoots.values()) renderStatus(root.querySelector('.live-body') ?? root, text, isError);
}

function describeError(error) {
  if (!error) return 'Unknown error.';
  const where = error.line ? ` (line ${error.line}${error.col ? `, column ${error.col}` : ''})` : '';
  return `${error.type ?? 'Error'}: ${error.message}${where}`;
}

// One line that says what went wrong: for a Python traceback, its last line (the exception).
function summaryLine(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = (text.includes('Traceback') ? lines.at(-1) : lines[0]) ?? text;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

// The Python worker and the page's one channel to it (js/rpc.js), or null in a browser that
// lacks what the worker needs (start() below says so).
function startWorker(openAfter) {
  if (missingFeatures().length) return null;
  return createRpc({
    spawnWorker,
    openAfter,
    // The boot message at once, with this moment's script and data set; the runtime's files
    // follow piece by piece, each as soon as the parser has read it (js/embedded.js).
    boot: (send) => {
      // The first boot runs the saved edit with the built-in script to fall back on, and brings
      // back the last visit's state; a restarted worker gets the state from the stopper.
      const first = launches++ === 0;
      send({
        kind: MSG.BOOT,
        boot: {
          script,
          runtime: runtimeCache,
          pythonSources: readPythonSources(),
          dataset: datasetText == null ? readDataset() : { encoding: 'text', text: datasetText },
          fallback: first && script !== defaultScript ? defaultScript : null,
          restore: first && lastVisit?.checkpoint ? lastVisit.checkpoint : null,
          warm: !first, // a spare: nobody waits for it, so it warms up (js/worker/worker.js)
        },
      });
      // A spare boots while the page is in use (training, say): the page is parsed, so every piece
      // is at hand at once, and posting them all in one task would be a ~100 ms pause of the page.
      // Each goes in its own task instead (setTimeout keeps their order).
      const post = first ? send : (/** @type {any} */ message) => setTimeout(() => send(message), 0);
      eachRuntimeAsset((piece) => post({ kind: MSG.ASSET, piece })).then(() => post({ kind: MSG.ASSETS_END }));
    },
  });
}

function start(rpc) {
  if (!rpc) {
    const text =
      `This browser lacks ${missingFeatures().join(', ')}, which the guide needs to run Python. ` +
      'A current Chromium, Firefox or Safari has them all.';
    progress.fail(text);
    Object.assign(status, { state: 'failed', error: { type: 'UnsupportedBrowser', message: text } });
    showOnSections('Python cannot run in this browser (see the message at the top).', true);
    return { ready: Promise.reject(new Error(text)), call: () => Promise.reject(new Error(text)) };
  }
  // Until the worker is ready, the sections may draw from the build's recording of this script.
  sectionRpc = firstFrame.wrap(rpc);
  store = new ModelStore(rpc);
  store.subscribe(onModelChange);
  // Every run kept, and the page able to go to any of them (js/runs/runs.js).
  runs = new Runs({ rpc, store, defaultScript, checkpoints, openScript: (run) => openScript(rpc, run, stopper), datasetNow });
  runs.ready.then((note) => note && consolePanel.system(note, 'system'));
  mountSections({
    rpc: sectionRpc,
    store,
    script: () => script,
    dataset: () => datasetText,
    reportError,
    stop: () => stopPython('chapter'),
    checkpoints,
    runs,
  });
  firstFrame.show(script, datasetText == null ? readDataset().text : null).then((info) => {
    if (info) store.load(info);
  });
  const stopper = createStopper({
    rpc,
    store,
    badge: $('#runtime-badge'),
    consolePanel,
    onStopping: () => Object.assign(status, { state: 'restarting' }),
    onRestored: (info, { imported }) => {
      Object.assign(status, { state: 'ready', error: null, bootMs: performance.now() });
      store.restored(info, { imported });
    },
  });
  stopPython = (reason) => stopper.stop(reason);
  panel = new ScriptPanel($('#script-workbench'), {
    runs, // the runs "Download guide" may carry
    defaultScript,
    rpc: () => sectionRpc, // the hyperparameter fields' first answer may be the build's recording
    console: consolePanel,
    defaultDataset: () => decodeDataset(readDataset()),
    onLoaded: (ran, info, ranDataset) => {
      script = ran;
      datasetText = ranDataset;
      stopper.scriptChanged();
      store.load(info, { script, datasetKey: datasetKey() });
    },
    stop: () => stopper.stop('editor'),
  });
  // Out of memory, Python may not be able to go on: a fresh worker takes over (js/python-stop.js).
  rpc.on(EVENT.CALL_FAILED, (error) => {
    if (error?.type === 'MemoryError') stopper.stop('memory');
  });
  // The boot card follows the first worker; a spare's boot (js/python-stop.js) is not news.
  rpc.on(EVENT.PROGRESS, ({ stage, status: stageStatus, ms, label }) => {
    if (!booted) progress.stage(stage, stageStatus, ms, label);
  });
  rpc.on(EVENT.STDOUT, ({ text, phase }) => consolePanel.write(text, 'stdout', phase));
  rpc.on(EVENT.RUNTIME, ({ module, stdlib }) => {
    runtimeCache = { module, stdlib };
  });
  rpc.on(EVENT.FATAL, (error) => {
    firstFrame.end();
    Object.assign(status, { state: 'failed', error });
    progress.fail(`Python could not start. ${summaryLine(describeError(error))} The console has the details.`);
    consolePanel.system(error?.traceback || describeError(error), 'error');
    consolePanel.setOpen(true);
    showOnSections('Python could not start; see the message at the top.', true);
  });
  rpc.on(EVENT.READY, (msg) => {
    if (booted) return; // a restarted worker: the stopper restores and redraws
    booted = true;
    if (msg.fellBack) {
      // The saved edit could not start: the built-in script runs, and the editor shows it.
      script = defaultScript;
      panel.fellBack(msg.fellBack.error);
    }
    const alreadyShown = firstFrame.end(msg.ok ? msg.info : null);
    Object.assign(status, { state: msg.ok ? 'ready' : 'failed', error: msg.ok ? null : msg.error, bootMs: performance.now() });
    if (msg.ok) {
      const run = { script, datasetKey: datasetKey() };
      const restored = msg.restored?.step != null && lastVisit ? lastVisit : null;
      if (restored?.fromFile)
        consolePanel.system(`Opened on the run “${restored.label}” at step ${msg.restored.step}, as this file was saved.`, 'system');
      else if (restored) {
        consolePanel.system(`Back where you left off: step ${msg.restored.step}, restored from this browser's storage.`, 'system');
      }
      // The file's runs join this copy's list. No `open`: the page booted on it already (the
      // restored state names its run), or on this copy's own last visit.
      if (fileRuns) runs.unpack(fileRuns.pack, {});
      progress.ready(performance.now());
      if (alreadyShown) store.adopt(msg.info, run, restored);
      else store.load(msg.info, run, restored);
    } else {
      progress.fail(`The script's setup failed: ${describeError(msg.error)}`);
      consolePanel.system(msg.error?.traceback || describeError(msg.error), 'error');
      consolePanel.setOpen(true);
      showOnSections('The script did not finish its setup; see the console.', true);
    }
  });
  return rpc;
}

// A run's script and data set loaded in Python and shown in the editor (js/runs/ moves the page
// to another run: its state is imported after this, and the store told then).
async function openScript(rpc, { script: next, datasetText: text, datasetName, label }, stopper) {
  const dataset = text ?? (await decodeDataset(readDataset()));
  const info = await rpc.call('load', { source: next.source, filename: next.filename, dataset });
  script = next;
  datasetText = text;
  stopper.scriptChanged(); // a spare booted with the old script would bring it back
  panel?.showRun(next.source, text == null ? null : { name: datasetName ?? 'data set', text }, label ?? 'another run');
  return { info, run: { script, datasetKey: datasetKey() } };
}

// The data set the page runs, when it is not the built-in one: {name, text}.
function datasetNow() {
  return datasetText == null ? null : { name: panel?.dataset?.name ?? 'data set', text: datasetText };
}

let runs = null; // the runs core (js/runs/runs.js), once the worker is launched
let booted = false; // the first worker reported ready (later ones are restarts)
let panel = null;
/** @type {(reason: string) => Promise<any>} */
let stopPython = () => Promise.reject(new Error('Python is not running.'));

// An error the script raised anywhere (a training step, a sample...): its traceback goes to the
// console and its line is marked in the editor, where they stay until the learner acts.
function reportError(error) {
  if (!error || error.type === 'WorkerRestarted') return;
  consolePanel.system(error.traceback || describeError(error), 'error');
  if (error.line && error.phase !== 'bridge') panel?.markError(error);
}

const rpc = start(launched);

// A small documented handle for tests and the curious (see README):
//   await microgptGuide.ready                -> the script's info once its setup has run
//   await microgptGuide.call('eval', {code: 'vocab_size'})
//   microgptGuide.status                     -> {state: 'booting' | 'ready' | 'restarting' | 'failed', error, bootMs}
//   microgptGuide.errors                     -> uncaught errors the page saw
//   await microgptGuide.stop()               -> ends Python now; resolves {ms, step} once it is back
window.microgptGuide = Object.freeze({
  get ready() {
    return rpc.ready;
  },
  call: (method, args) => rpc.call(method, args),
  stop: () => stopPython('api'),
  storageKey: (name) => copyKey(name), // where this copy keeps `name` in localStorage
  status,
  errors,
  get firstFrame() {
    return firstFrame.report();
  },
  version: buildInfo,
  // The runs (js/runs/runs.js): [{id, label, step, losses, script, parent, stateSteps}], newest first.
  runs: () =>
    (runs?.list() ?? []).map((r) => ({
      id: r.id,
      label: r.label,
      step: r.step,
      losses: [...r.history.losses],
      script: r.script,
      parent: r.parent,
      stateSteps: [...r.stateSteps],
      current: r === runs.current,
    })),
  useRun: (id) => runs.use(id),
  rewind: (step) => runs.rewind(step),
  get runsCore() {
    return runs; // the whole API (notes on it in js/runs/runs.js), for tests and the curious
  },
});
