// The build's checkpoints (js/sections/training/checkpoints.js: the default script trained
// natively in CPython, saved at 0/100/300/1000 steps, with every step's loss) as a run of the same
// kind as the page's own: chapter 6's "Jump to step" puts the page on this run at that step, and
// a rewind of it imports the nearest of those states and replays the rest in the page.
//
// Its states live in the page (the build embedded them), never in IndexedDB.
//
//   nativeRun(checkpoints, script) -> Promise<run | null>   null when the build embedded none
//   NATIVE_ID                                               its id, the same in every copy
import { emptyHistory } from './run-history.js';

export const NATIVE_ID = 'builtin-native';

export async function nativeRun(checkpoints, script) {
  const block = await checkpoints.read().catch(() => null);
  const stateSteps = block ? checkpoints.steps() : [];
  if (!stateSteps.length) return null;
  const recorded = await checkpoints.recordedSteps();
  const last = Math.max(...stateSteps);
  const history = emptyHistory();
  for (let i = 0; i < Math.min(last, recorded.loss.length); i++) {
    history.steps.push(i + 1);
    history.losses.push(recorded.loss[i]);
    history.lrs.push(recorded.lr_t[i] ?? null);
    history.docs.push(recorded.doc[i] ?? null);
    history.ms.push(null); // CPython's step times are not the page's
  }
  history.native = history.steps.length;
  return {
    id: NATIVE_ID,
    label: 'built-in, trained natively',
    createdAt: 0,
    parent: null,
    builtin: true,
    script,
    dataset: { key: 'built-in', filename: null },
    numParams: null, // known once the page runs it
    hyper: {},
    step: last,
    history,
    samples: [],
    stateSteps,
  };
}
