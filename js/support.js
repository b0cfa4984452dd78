// What the page needs from the browser, checked before anything starts, so a missing feature
// gets a sentence that names it instead of a silent hang.
export function missingFeatures() {
  const missing = [];
  if (typeof WebAssembly !== 'object') missing.push('WebAssembly');
  if (typeof Worker !== 'function') missing.push('Web Workers');
  if (typeof DecompressionStream !== 'function') missing.push('DecompressionStream (gzip)');
  if (!supportsModuleWorkers()) missing.push('module workers');
  return missing;
}

// Module-worker support can only be detected by asking for the `type` option.
function supportsModuleWorkers() {
  let asked = false;
  /** @type {WorkerOptions} */
  const options = {
    get type() {
      asked = true;
      return /** @type {const} */ ('module');
    },
  };
  try {
    new Worker('data:text/javascript,', options).terminate();
  } catch {
    return asked;
  }
  return asked;
}
