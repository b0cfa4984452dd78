// The message kinds that cross between the page and the Python worker. Both sides import this
// file, so a kind is spelled in exactly one place.
export const MSG = Object.freeze({
  // page -> worker
  BOOT: 'boot',         // {script, dataset, pythonSources, runtime}: start Pyodide, then run the script's setup
  ASSET: 'asset',       // {piece: {name, encoding, text, last}}: part of a runtime file, sent once the page has parsed it
  ASSETS_END: 'assets-end', // the page is parsed: no other asset will come
  CALL: 'call',         // {id, method, args}: one request; answered by RESULT
  CANCEL: 'cancel',     // {id}: stop a streaming job (training) after the step that is running
  TUNE: 'tune',         // {id, args: {delay_ms}}: change a running streaming job's pace between steps
  // worker -> page
  PROGRESS: 'progress', // {stage, status, ms, label?}: boot stages (decode, compile, python, setup); label renames one
  READY: 'ready',       // {ok, info | error, timings}: the script's setup has run (or failed)
  RESULT: 'result',     // {id, ok, result | error}
  EVENT: 'event',       // {id, name, payload}: streamed output (stdout lines, training steps)
  FATAL: 'fatal',       // {error}: the worker cannot go on (boot failed)
  RUNTIME: 'runtime',   // {module, stdlib}: the compiled wasm and the decoded stdlib, for the next boot
});

// Methods the worker runs in JavaScript around the Python session: they stream EVENTs.
export const STREAMING_METHODS = new Set(['train']);

// Methods after which the model's parameters (or the model itself) may differ: the worker
// follows each successful one with a 'model-changed' event. (Training steps stream 'step'.)
export const MODEL_CHANGING_METHODS = new Set(['load', 'step', 'checkpoint_import']);
