// Chapter "Runs": what an edit changed. The runs the page keeps (ctx.runs, the runs core: one per
// Run of a script, with its step records, times and state) are listed; two or three picked ones
// are compared: their loss curves on one chart, their scripts in a merge view, and a table of the
// numbers that differ. "Use this run" switches the whole page to one (ctx.runs.use).
//
// The parts redraw from the runs core's changes ('list', 'current', 'step'), at most once per
// RATE_MS while the chapter is on screen (a run may step many times a second).
import { el } from '../../ui/dom.js';
import { onScreenOnly } from '../../ui/on-screen.js';
import { sectionFrame, disposer, testSignals } from '../section.js';
import { firstCalls } from './first-calls.js';
import { RunList, MAX_PICKED } from './run-list.js';
import { RunCurves } from './run-curves.js';
import { ScriptDiffCard } from './script-diff.js';
import { DifferenceTable, SAMPLE } from './diff-table.js';

const RATE_MS = 250;

export const id = 'runs';
export { firstCalls };

export function createSection(root, ctx) {
  const frame = sectionFrame(root, { code: null });
  const signals = testSignals(frame.live);
  const ends = disposer();
  const { runs } = ctx;
  if (!runs) {
    frame.live.replaceChildren(el('p', 'rn-empty', 'This page keeps no runs.'));
    return { update() {}, dispose: ends.dispose };
  }
  const slots = new Map(); // picked run id -> its colour slot (0 .. MAX_PICKED - 1), kept while picked
  let touched = false; // the learner picked: no more picking by default
  let busy = null; // the id of the run the page is switching to
  const parts = {
    list: new RunList({ onPick: pick, onUse: use }),
    curves: new RunCurves(),
    diff: new ScriptDiffCard(),
    table: new DifferenceTable({ onSample: sample }),
  };
  const compare = el('div', 'rn-compare', [parts.curves.root, parts.diff.root, parts.table.root]);
  frame.live.replaceChildren(parts.list.root, compare);
  frame.live.classList.add('rn-scope');
  const drawSoon = onScreenOnly(root, draw, { every: RATE_MS });
  ends.add(runs.subscribe(() => drawSoon()));
  ends.add(() => parts.diff.dispose());
  draw();

  function pick(runId, on) {
    touched = true;
    if (!on) slots.delete(runId);
    else if (slots.size < MAX_PICKED) slots.set(runId, freeSlot());
    draw();
  }

  function freeSlot() {
    const used = new Set(slots.values());
    let slot = 0;
    while (used.has(slot)) slot += 1;
    return slot;
  }

  function use(runId) {
    busy = runId;
    parts.list.say('');
    draw();
    runs
      .use(runId)
      .then(
        () => parts.list.say(`The page now shows "${runs.get(runId)?.label ?? runId}": every chapter draws its model.`),
        (error) => parts.list.say(`Could not switch: ${error?.message ?? error}`),
      )
      .finally(() => {
        busy = null;
        draw();
      });
  }

  // The same seed and temperature for every picked run, one run after the other.
  async function sample() {
    const picked = pickedRuns();
    parts.table.setBusy(true);
    for (const { run } of picked) {
      parts.table.setSample(run.id, { pending: true });
      try {
        const names = await runs.sampleWith(run.id, SAMPLE);
        parts.table.setSample(run.id, { step: run.step, names });
      } catch (error) {
        parts.table.setSample(run.id, { error: error?.message ?? String(error) });
      }
    }
    parts.table.setBusy(false);
    signals.count('samples');
  }

  // [{run, slot}] in slot order, of the picked runs that are still kept.
  function pickedRuns() {
    return [...slots]
      .map(([runId, slot]) => ({ run: runs.get(runId), slot }))
      .filter(({ run }) => run)
      .sort((a, b) => a.slot - b.slot);
  }

  function draw() {
    const list = runs.list();
    for (const runId of slots.keys()) if (!list.some((r) => r.id === runId)) slots.delete(runId);
    if (!touched && slots.size < 2) for (const run of list.slice(0, 2)) if (!slots.has(run.id)) slots.set(run.id, freeSlot());
    parts.list.show(list, { current: runs.current, slotOf: (runId) => slots.get(runId) ?? null, busy });
    const picked = pickedRuns();
    compare.hidden = picked.length < 2;
    parts.list.hint(
      list.length < 2
        ? 'Edit the script (chapter 0) and press Run: each Run is kept here as a run of its own, to compare with this one.'
        : picked.length < 2
          ? 'Pick two or three runs to compare them.'
          : '',
    );
    signals.set('runs', list.length);
    signals.set('picked', picked.map(({ run }) => run.id).join(' '));
    if (picked.length < 2) return;
    parts.curves.show(picked, { vocabSize: ctx.store.info?.vocab?.size ?? null });
    parts.diff.show(picked);
    parts.table.show(picked);
  }

  // The model's own changes reach this chapter through the runs core; a load may bring the first run.
  function update() {
    drawSoon();
  }

  return { update, dispose: ends.dispose };
}
