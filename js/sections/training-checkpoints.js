// The checkpoints the build embedded (py/builder/checkpoints.py): the default script trained
// natively in CPython, saved after a few steps, with every step's loss, lr_t and document.
//
// The build embeds them only for the script and data set they were made from, and this module
// checks again on the page: they are offered only while the loaded script text and data set have
// exactly the sha256 the manifest names. An edited script, another data set, or a downloaded
// guide with the learner's script as its default never gets them.
import { readDataset } from '../embedded.js';
import { base64ToBytes, gunzipBytes, gunzipText } from '../worker/decode.js';

let embedded = null; // the parsed block, once it has been found
let nativeSteps = null; // Promise of {loss, lr_t, doc}
let defaultDatasetSha = null; // Promise: the embedded data set's sha256, hashed once

// The block comes late in the file: asked before the parser reached it (the prose's facts ask
// at the first frame), there is none yet, and that answer is not kept.
function read() {
  if (!embedded) {
    const block = document.querySelector('script[data-embedded="checkpoints"]');
    if (block) embedded = JSON.parse(block.textContent);
  }
  return embedded;
}

// The steps that can be jumped to, e.g. [0, 100, 300, 1000], or [] when there are none.
export function checkpointSteps() {
  return read()?.manifest.steps ?? [];
}

export function pythonVersion() {
  return read()?.manifest.python ?? '';
}

// True when `source` and the data set (text, or null for the embedded one) are the very ones the
// checkpoints were computed from. Without Web Crypto the answer is no: nothing is offered then.
export async function matchesLoaded(source, datasetText) {
  const found = read();
  if (!found || !globalThis.crypto?.subtle) return false;
  const { script, dataset } = found.manifest;
  if (await sha256(new TextEncoder().encode(source)) !== script.sha256) return false;
  const datasetSha = datasetText == null
    ? await (defaultDatasetSha ??= gunzipBytes(base64ToBytes(readDataset().text)).then(sha256))
    : await sha256(new TextEncoder().encode(datasetText));
  return datasetSha === dataset.sha256;
}

// What CPython recorded for each step (step k at index k - 1).
export function recordedSteps() {
  nativeSteps ??= gunzipText(base64ToBytes(read().steps)).then(JSON.parse);
  return nativeSteps;
}

// The checkpoint after `step` steps, its raw bytes: what `checkpoint_import` takes.
export async function checkpointBytes(step) {
  return gunzipBytes(base64ToBytes(read().checkpoints[String(step)]));
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
