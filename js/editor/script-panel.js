// "The script" chapter: the editor with Run / Stop / Reset, the hyperparameter fields, a
// "modified" badge and one status line. It edits text and asks the bridge to load it; what a
// successful run means for the rest of the page (new script, sections redraw) is main.js's
// job, through onLoaded.
import { el } from '../ui/dom.js';
import { LazyEditor } from './lazy-editor.js';
import { HyperPanel } from './hyper-panel.js';
import { loadSaved, save, loadSavedDataset, saveDataset } from './saved-script.js';
import { fileActions } from './file-actions.js';

// A setup still running after this long says so, opens the console (the script's own output
// streams there) and points at Stop.
const SLOW_SETUP_MS = 2000;
// How long Run waits for a call already under way before it ends it (endStuckWork).
const RUN_WAITS_FOR_MS = 700;
const STOP_MESSAGE =
  'Stopped: Python was restarted with the last script that ran, and the model as it was after its last completed step. Your edits are still here.';

export class ScriptPanel {
  // defaultScript: {filename, source}; defaultDataset(): Promise of the built-in names text;
  // rpc(): the current rpc; onLoaded(script, info, datasetText or null for the built-in one); stop(): the
  // page's Stop (js/python-stop.js); console: the ConsolePanel; runs: what "Download guide" may
  // carry (js/editor/file-actions.js).
  constructor(root, { defaultScript, defaultDataset, rpc, onLoaded, stop, console, runs = null }) {
    this.defaultScript = defaultScript;
    this.defaultDataset = defaultDataset;
    this.rpc = rpc;
    this.onLoaded = onLoaded;
    this.stopPython = stop;
    this.console = console;
    this.dataset = loadSavedDataset(); // {name, text} the learner opened, or null
    this.running = false;
    const saved = loadSaved(defaultScript.source);

    const bar = el('div', 'script-bar');
    this.runButton = button('Run', 'script-run', 'Run the script (Ctrl+Enter)', () => this.run());
    this.stopButton = button('Stop', 'script-stop', 'Stop Python now (Esc): it restarts with the last script that ran', () => this.stop());
    this.resetButton = button('Reset', 'script-reset', 'Go back to the original script', () => this.reset());
    this.stopButton.disabled = true;
    this.changesButton = button('Changes', 'script-changes', 'Show your edits against the original script', () => this.toggleChanges());
    this.changesButton.setAttribute('aria-pressed', 'false');
    this.badge = el('span', 'script-badge', 'modified');
    this.status = el('p', 'script-status');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    const file = el('span', 'script-file', defaultScript.filename);
    this.datasetChip = el('span', 'script-dataset');
    bar.append(this.runButton, this.stopButton, this.resetButton, this.changesButton, file, this.badge);

    const hyperRoot = el('div', 'hyper-panel');
    hyperRoot.setAttribute('aria-label', 'Hyperparameters');
    const hyperTitle = el('h3', 'hyper-title', 'Hyperparameters');
    hyperRoot.append(hyperTitle);
    this.hyper = new HyperPanel(hyperRoot, {
      constantsOf: (source) => this.rpc().latest('constants', 'constants', { source: source ?? this.editor.text }),
      onApply: async (edits) => {
        if (edits.length) await this.editor.replaceSpans(edits);
        return this.run();
      },
    });

    const frame = el('div', 'script-editor');
    this.editor = new LazyEditor(frame, saved ?? defaultScript.source, {
      onChange: (text) => this.changed(text),
      onRun: () => this.run(),
      busy: () => this.rpc().streaming,
    });
    const [open, hint, download, picker] = fileActions({
      dropTarget: document,
      onOpen: (text, name) => {
        this.editor.setText(text);
        this.say(`Opened ${name}. Press Run to run it (Ctrl+Z in the editor undoes the replacement).`);
        this.reveal();
      },
      onDataset: (text, name) => {
        this.setDataset({ name, text });
        this.reveal();
      },
      onError: (text) => this.say(text, 'error'),
      scriptNow: () => ({ filename: this.defaultScript.filename, source: this.editor.text }),
      datasetNow: () => this.dataset?.text ?? null,
      runs,
    });
    // Download with the run buttons; the file's name, Open… and the drop hint together at the end.
    file.before(download);
    bar.append(open, hint, picker);
    root.append(hyperRoot, bar, this.datasetChip, this.status, frame);
    this.showDataset();
    this.root = root;
    this.changed(this.editor.text, true);
    const restored = [saved && 'edited script', this.dataset && 'data set'].filter(Boolean).join(' and ');
    const both = saved && this.dataset;
    if (restored)
      this.say(`Your ${restored} from your last visit ${both ? 'are' : 'is'} back, and ${both ? 'are' : 'is'} what Python runs.`);
    this.hyper.refresh(this.editor.text); // answered by the first frame, or once Python is ready
  }

  // The page switched to another run (js/runs/): the editor shows the script that runs now, with
  // its data set ({name, text}, or null for the built-in names); `label` names the run.
  showRun(source, dataset, label) {
    this.editor.setText(source);
    this.dataset = dataset;
    saveDataset(dataset);
    this.showDataset();
    this.say(`Switched to the run "${label}": every chapter below now shows its script, at the step the run is at.`, 'ok');
    this.hyper.refresh(source);
  }

  // The saved edit failed at boot and the built-in script runs instead: the editor shows what
  // runs, and keeps the edit one click away.
  fellBack(error) {
    const edit = this.editor.text;
    this.editor.setText(this.defaultScript.source);
    const back = button('Open my edit', 'script-restore-edit', 'Put your saved edit back in the editor (press Run to try it)', () => {
      this.editor.setText(edit);
      this.say('Your edit is back in the editor. Fix it and press Run.');
    });
    this.say(`Your saved edit could not start (${describe(error)}), so Python runs the original script, shown here. `, 'error');
    this.status.append(back);
    save(edit, this.defaultScript.source); // the edit stays saved until the learner replaces it
  }

  // A script error raised elsewhere (a training step, a sample): marked at its line until the
  // learner edits or runs again.
  markError(error) {
    this.editor.markError(error.line, error.col, `${error.type}: ${error.message}`);
  }

  changed(text, initial = false) {
    const modified = text !== this.defaultScript.source;
    this.badge.hidden = !modified;
    this.root.dataset.modified = String(modified);
    if (!initial && !save(text, this.defaultScript.source)) this.badge.textContent = 'modified (not saved)';
    clearTimeout(this.refreshTimer);
    if (!initial) this.refreshTimer = setTimeout(() => this.hyper.refresh(text), 400);
  }

  // A file dropped elsewhere on the page lands here: bring the bar and its message into view.
  reveal() {
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.status.scrollIntoView({ block: 'nearest', behavior: smooth ? 'smooth' : 'auto' });
  }

  // A data set the learner opened (or null: back to the built-in names); used from the next Run.
  setDataset(dataset) {
    this.dataset = dataset;
    const kept = saveDataset(dataset);
    this.showDataset();
    const what = dataset ? `Data set ${dataset.name} (${lines(dataset.text).toLocaleString('en-US')} lines)` : 'The built-in names list';
    this.say(`${what} will be used from the next Run${kept ? '' : ' (too large to keep across reloads)'}. Press Run.`);
  }

  showDataset() {
    const chip = this.datasetChip;
    chip.replaceChildren();
    chip.hidden = !this.dataset;
    if (!this.dataset) return;
    chip.append('Data set: ', el('code', null, this.dataset.name), ` · ${lines(this.dataset.text).toLocaleString('en-US')} lines `);
    const drop = el(
      'button',
      { type: 'button', className: 'script-dataset-remove', title: 'Go back to the built-in names list' },
      'Use built-in names',
    );
    drop.addEventListener('click', () => this.setDataset(null));
    chip.append(drop);
  }

  toggleChanges() {
    const on = this.changesButton.getAttribute('aria-pressed') !== 'true';
    this.changesButton.setAttribute('aria-pressed', String(on));
    this.editor.showChanges(on ? this.defaultScript.source : null);
  }

  say(text, kind = 'info') {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  setRunning(running) {
    this.running = running;
    this.root.dataset.running = String(running);
    this.runButton.disabled = running;
    this.stopButton.disabled = !running;
  }

  async run() {
    if (this.running) return false;
    const source = this.editor.text;
    this.editor.clearErrors();
    this.setRunning(true);
    this.say("Running the script's setup in Python…", 'busy');
    const t0 = performance.now();
    const slowTimer = setInterval(() => {
      const s = (performance.now() - t0) / 1000;
      if (s * 1000 < SLOW_SETUP_MS) return;
      this.say(
        `The script's setup is still running (${s.toFixed(0)} s): its output appears in the console below. If it never ends, press Stop (or Esc).`,
        'busy',
      );
      this.console.setOpen(true);
    }, 500);
    try {
      await this.endStuckWork();
      const datasetText = this.dataset?.text ?? null;
      const dataset = datasetText ?? (await this.defaultDataset());
      const info = await this.rpc().call('load', { source, filename: this.defaultScript.filename, dataset });
      const warnings = [...(info.warnings ?? [])];
      const noLoop = info.roles?.missing?.training;
      if (noLoop)
        warnings.unshift(`The script ran top to bottom, but ${noLoop.replace(/^no /, 'it has no ')}: the chapters that need one say so.`);
      this.say(
        `Ran in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${info.params.count.toLocaleString('en-US')} parameters. Every chapter below now shows this script.${warnings.length ? ` Note: ${warnings.join(' ')}` : ''}`,
        warnings.length ? 'warn' : 'ok',
      );
      for (const warning of warnings) this.console.system(warning, 'system');
      this.onLoaded({ filename: this.defaultScript.filename, source }, info, datasetText);
      return true;
    } catch (error) {
      // A Stop from anywhere (this Stop, the badge's, Esc) ended the setup: say what runs now,
      // until the learner acts (the setup's "still running" line must not stay).
      if (error?.type === 'WorkerRestarted') {
        this.say(STOP_MESSAGE, 'warn');
        return false;
      }
      this.showError(error);
      return false;
    } finally {
      clearInterval(slowTimer);
      this.setRunning(false);
      this.hyper.refresh(this.editor.text);
    }
  }

  // Python may be busy with work the learner did not ask for now (a chapter's samples, a loop
  // in the old script). Run waits for the call under way while it is young (a chapter's sample
  // ends within a few tenths of a second), and ends it when it runs on. Ending a call that was
  // about to finish would cost the spare worker a Stop swaps in (js/python-stop.js): a Stop in
  // the new script's setup would then wait for another one to boot.
  async endStuckWork() {
    const since = this.rpc().busySince;
    if (since == null) return;
    while (this.rpc().busySince === since && performance.now() - since < RUN_WAITS_FOR_MS) await sleep(25);
    if (this.rpc().busySince === since) await this.stopPython();
  }

  showError(error) {
    const what = `${error?.type ?? 'Error'}: ${error?.message ?? error}`;
    this.say(`${describe(error)}. The page still shows the last script that ran.`, 'error');
    if (error?.line) this.editor.markError(error.line, error.col, what);
    if (error?.phase !== 'parse') {
      this.console.system(error?.traceback || what, 'error');
      this.console.setOpen(true);
    }
  }

  // An endless loop never yields to the worker: the page's Stop ends it and brings back the last
  // script that ran with its last good state (js/python-stop.js).
  stop() {
    if (!this.running) return;
    this.setRunning(false);
    this.say(STOP_MESSAGE, 'warn');
    this.stopPython().catch(() => {});
  }

  reset() {
    if (this.editor.text === this.defaultScript.source) return;
    if (!window.confirm('Replace your edits with the original script? Undo (Ctrl+Z) in the editor brings them back.')) return;
    this.editor.setText(this.defaultScript.source);
    this.say('Back to the original script (Ctrl+Z in the editor restores your edits). Press Run to run it.');
  }
}

function button(text, className, title, onClick) {
  const b = el('button', className, text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const lines = (text) => text.split('\n').filter((l) => l.trim()).length;

// "ValueError: boom (line 12, column 5)": an error in one line.
function describe(error) {
  const where = error?.line ? ` (line ${error.line}${error.col ? `, column ${error.col}` : ''})` : '';
  return `${error?.type ?? 'Error'}: ${error?.message ?? error}${where}`;
}
