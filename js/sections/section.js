// The one shape of a guide section (a chapter's live area). A section module exports:
//
//   id                          its folder's name, and its [data-live] element's in chapter.html
//   firstCalls                  its first calls (from its folder's first-calls.js, a module with no
//                               imports): a generator of {method, args} given {info, script,
//                               answer(method)}. The build records their answers for the first
//                               frame (py/builder/first_frame.py); the section makes them with
//                               the same values (the module's constants).
//   createSection(root, ctx) -> {update(change), dispose()}
//                               builds its DOM once; update() hears every change of the model
//                               (js/model-store.js): change.reason 'load' (a script's setup ran:
//                               change.info), 'step' (change.record) or 'model' (another call
//                               changed the parameters: change.method); dispose() ends its timers
//                               and subscriptions.
//
// ctx: {rpc, store, script() -> {filename, source}, dataset() -> text | null, reportError(error),
// stop(), checkpoints, runs (the kept runs: list, current, use, rewind, sampleWith...)}. Sub-parts of a section are classes.
//
// Adding a chapter: a folder js/sections/<id>/ with index.js (this shape), first-calls.js, its parts,
// chapter.html (one <section> with its prose, its number's marker and the [data-live] element;
// py/builder/chapters.py says what it must hold) and chapter.css; then a line in index.js, the
// one list of chapters: the build numbers them and writes the contents in that order.
import { CodePanel } from '../ui/code-panel.js';
import { renderStatus } from '../ui/facts.js';

// A live area for the running script's data, and a code panel with the script's own lines for
// what the section explains.
/**
 * @param {HTMLElement} root
 * @param {{ code?: any }} options
 */
export function sectionFrame(root, { code }) {
  const live = document.createElement('div');
  live.className = 'live-body';
  renderStatus(live, 'Waiting for Python…');
  root.append(live);
  const panel = code ? new CodePanel(root, code) : null;
  return {
    live,
    panel,
    showScript(ctx, info) {
      panel?.setScript(ctx.script().source, info.phases);
    },
  };
}

// What a section tells tests (data-* attributes of its live area that tests/browser wait on):
// written here only, so a section says what happened, not how a test reads it.
//   const signals = testSignals(live); signals.count('refreshes'); signals.set('running', true)
export function testSignals(element) {
  return {
    count(name) {
      element.dataset[name] = String(Number(element.dataset[name] ?? 0) + 1);
    },
    set(name, value) {
      if (value == null) delete element.dataset[name];
      else element.dataset[name] = String(value);
    },
  };
}

// Subscriptions and timers a section ends in dispose().
export function disposer() {
  const ends = [];
  return {
    add(end) {
      ends.push(end);
      return end;
    },
    dispose() {
      for (const end of ends.splice(0)) end();
    },
  };
}
