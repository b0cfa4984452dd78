// The message kinds that cross between the page and the Python worker. Both sides import this
// file, so a kind is spelled in exactly one place.
export const MSG = Object.freeze({
  // page -> worker
  BOOT: 'boot', // {script, dataset, pythonSources, runtime}: start Pyodide, then run the script's setup
  ASSET: 'asset', // {piece: {name, encoding, text, last}}: part of a runtime file, sent once the page has parsed it
  ASSETS_END: 'assets-end', // the page is parsed: no other asset will come
  CALL: 'call', // {id, method, args}: one request; answered by RESULT
  CANCEL: 'cancel', // {id}: stop a streaming job (training) after the step that is running
  TUNE: 'tune', // {id, args: {delay_ms}}: change a running streaming job's pace between steps
  // worker -> page
  PROGRESS: 'progress', // {stage, status, ms, label?}: boot stages (decode, compile, python, setup); label renames one
  READY: 'ready', // {ok, info | error, timings}: the script's setup has run (or failed)
  RESULT: 'result', // {id, ok, result | error}
  EVENT: 'event', // {id, name, payload}: streamed output (stdout lines, training steps)
  FATAL: 'fatal', // {error}: the worker cannot go on (boot failed)
  RUNTIME: 'runtime', // {module, stdlib}: the compiled wasm and the decoded stdlib, for the next boot
});

// The names of the events (MSG.EVENT's `name`, and what rpc.on subscribes to). The bridge's own
// (`stdout`) are also spelled in py/bridge/methods.py; a unit test checks they agree.
export const EVENT = Object.freeze({
  // worker -> page, in MSG.EVENT
  STDOUT: 'stdout', // {text, phase}: what the script prints (the bridge emits it)
  STEP: 'step', // a training step's record (+ checkpoint), streamed by `train`
  MODEL_CHANGED: 'model-changed', // {method}: a method that changes the model succeeded
  // the page's rpc (js/rpc.js), for its listeners
  PROGRESS: 'progress', // MSG.PROGRESS
  READY: 'ready', // MSG.READY
  FATAL: 'fatal', // the worker cannot go on
  RUNTIME: 'runtime', // MSG.RUNTIME
  CALL_FAILED: 'call-failed', // the error of any call that failed
});

// Which methods stream and which change the model is not listed here: the bridge's registry
// (py/bridge/methods.py) says so, and the worker reads it from Python when it starts.
