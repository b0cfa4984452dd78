// The runs a downloaded guide carries (issue 24, "Share"): "Download guide" writes the chosen runs
// into the file's `runs` block (js/editor/page-snapshot.js), and at boot the page reads them here
// and opens on the chosen one. The block is the runs' bytes (js/codec/runs-bytes.js), gzipped
// (the records' JSON shrinks to a third; the states barely), as text8 like the page's other
// binary blocks (py/builder/text8.py). A page as built has the block empty.
//
//   await readFileRuns()             -> {pack, open} | null (none, or unreadable: said on the console)
//   openingRun(fileRuns, script)     -> {checkpoint, history, step, label, runId} of the run the file
//                                       opens on, if it is of `script` ({filename, source}) and
//                                       has its state; else null
import { text8ToBytes } from './codec/text8.js';
import { gunzipBytes } from './codec/bytes.js';
import { bytesToPack } from './codec/runs-bytes.js';

export const RUNS_BLOCK = 'runs';

export async function readFileRuns() {
  const text = document.querySelector(`script[data-embedded="${RUNS_BLOCK}"]`)?.textContent ?? '';
  if (!text) return null;
  try {
    return bytesToPack(await gunzipBytes(text8ToBytes(text)));
  } catch (error) {
    console.warn(`The runs saved in this file could not be read: ${error.message}`);
    return null;
  }
}

export function openingRun(fileRuns, script) {
  const run = fileRuns?.pack.runs.find((r) => r.id === fileRuns.open);
  const checkpoint = run && fileRuns.pack.states[run.id]?.[run.step];
  if (!checkpoint || run.script?.source !== script.source) return null;
  return { checkpoint, history: run.history, step: run.step, label: run.label, runId: run.id, fromFile: true };
}
