// The checkpoints the build embedded (py/builder/checkpoints.py): the default script trained
// natively in CPython, saved after a few steps, with every step's loss, lr_t and document.
//
// The build embeds them only for the script and data set they were made from, and this class
// checks again on the page: they are offered only while the loaded script text and data set have
// exactly the sha256 the manifest names. An edited script, another data set, or a downloaded
// guide with the learner's script as its default never gets them.
//
// The page hands it what the build embedded (js/embedded.js): `read()` -> Promise of the parsed
// block or null, `datasetBlock()` -> the embedded data set's text (gzip+base64).
import { base64ToBytes, gunzipBytes, gunzipText } from '../../codec/bytes.js';

export class BuiltCheckpoints {
  constructor({ read, datasetBlock }) {
    this.datasetBlock = datasetBlock;
    this.block = null; // the parsed block, once the page is parsed (null: none)
    this.reading = null; // Promise of it
    this.nativeSteps = null; // Promise of {loss, lr_t, doc}
    this.defaultDatasetSha = null; // Promise: the embedded data set's sha256, hashed once
    this.read = () => {
      this.reading ??= read().then((block) => {
        this.block = block;
        return block;
      });
      return this.reading;
    };
  }

  // Resolves once the block could be read (it comes late in the file).
  async ready() {
    await this.read();
    return this;
  }

  // The steps that can be jumped to, e.g. [0, 100, 300, 1000], or [] when there are none (or
  // the block is not read yet: the prose's facts ask at the first frame).
  steps() {
    this.read();
    return this.block?.manifest.steps ?? [];
  }

  pythonVersion() {
    return this.block?.manifest.python ?? '';
  }

  // True when `source` and the data set (text, or null for the embedded one) are the very ones the
  // checkpoints were computed from. Without Web Crypto the answer is no: nothing is offered then.
  async matchesLoaded(source, datasetText) {
    const found = await this.read();
    if (!found || !globalThis.crypto?.subtle) return false;
    const { script, dataset } = found.manifest;
    if ((await sha256(new TextEncoder().encode(source))) !== script.sha256) return false;
    const datasetSha =
      datasetText == null
        ? await (this.defaultDatasetSha ??= gunzipBytes(base64ToBytes(this.datasetBlock())).then(sha256))
        : await sha256(new TextEncoder().encode(datasetText));
    return datasetSha === dataset.sha256;
  }

  // What CPython recorded for each step (step k at index k - 1).
  recordedSteps() {
    this.nativeSteps ??= gunzipText(base64ToBytes(this.block.steps)).then(JSON.parse);
    return this.nativeSteps;
  }

  // The checkpoint after `step` steps, its raw bytes: what `checkpoint_import` takes.
  async bytes(step) {
    return gunzipBytes(base64ToBytes(this.block.checkpoints[String(step)]));
  }
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
