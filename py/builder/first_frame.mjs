// Records the page's first frame at build time: boots the same Pyodide the page embeds, under
// Node, with the page's own standard library (its boot zip, and its lazy zip behind the same
// finder), creates the bridge Session through the worker's own js/worker/session.js (so results
// are converted to JavaScript exactly as the worker converts them), loads the script with the
// data set as the worker's boot does, then answers the calls the sections make for their first
// frame. Same WebAssembly, same libm, same stdlib, same conversion: the recording is the live
// worker's answer, bit for bit (tests/browser/test_first_frame.py checks it against the page).
//
//   node first_frame.mjs --sources FILE --script FILE --dataset FILE --out FILE
//                        --stdlib ZIP --lazy GZ --error FILE --first-calls MODULE [--first-calls MODULE...]
//
// --stdlib: the page's boot zip; --lazy: its lazy zip, gzip-compressed (py/builder/stdlib.py).
// When the script's setup fails, the bridge's error ({type, message, traceback, line, col,
// phase}) is written to --error and the exit status is 3: the build then refuses the script.
//
// --sources: JSON {path: text}, the bridge package as the build embeds it (the worker's
// pythonSources).
//
// --first-calls: the declarations of first calls (js/sections/*/first-calls.js and
// js/editor/script-first-calls.js, the same modules the page imports): each exports firstCalls({info, script, answer}), a
// generator of {method, args} from the load's info, the script ({source, filename}) and
// answer(method), the result of the first call of that method answered so far. So a build with
// another script or data set records the calls its page will make.
// Output: {info, calls: [{method, args, ok, result | error}]} packed by js/first-frame-codec.js
// (typed arrays, undefined, NaN and -0 survive).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPyodide } from 'pyodide';
import { createSession } from '../../js/worker/session.js';
import { pack, callKey } from '../../js/first-frame-codec.js';
import { installLazyStdlib } from '../../js/worker/lazy-stdlib.js';

// The exit status that means "the script's setup failed" (first_frame.py reads the error file).
const SETUP_FAILED = 3;

const { values } = parseArgs({
  options: {
    sources: { type: 'string' },
    script: { type: 'string' },
    filename: { type: 'string', default: 'microgpt.py' },
    dataset: { type: 'string' },
    'first-calls': { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    stdlib: { type: 'string' },
    lazy: { type: 'string' },
    error: { type: 'string' },
  },
});

async function main() {
  const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {}, stdLibURL: values.stdlib });
  installLazyStdlib(pyodide, () => new Uint8Array(readFileSync(values.lazy)));
  const session = createSession(pyodide, JSON.parse(readFileSync(values.sources, 'utf8')), () => {});
  const source = readFileSync(values.script, 'utf8');
  const dataset = readFileSync(values.dataset, 'utf8');
  // The worker's boot message, exactly (js/worker/worker.js: boot).
  const load = session.handle('load', { source, filename: values.filename, dataset });
  if (!load.ok) {
    writeFileSync(values.error, JSON.stringify(load.error ?? { type: 'Error', message: 'unknown' }));
    return SETUP_FAILED;
  }
  const answers = new Map(); // method -> the result of its first successful call
  const context = { info: load.result, script: { source, filename: values.filename }, answer: (method) => answers.get(method) };
  const calls = [];
  const recorded = new Set(); // callKey of each call recorded
  for (const path of values['first-calls']) {
    const { firstCalls } = await import(pathToFileURL(path).href);
    for (const { method, args = {} } of firstCalls(context)) {
      const key = callKey(method, args);
      if (recorded.has(key)) continue; // another chapter asks the same first
      recorded.add(key);
      const answer = session.handle(method, args);
      if (answer.ok && !answers.has(method)) answers.set(method, answer.result);
      calls.push({ method, args, ok: answer.ok, result: answer.result, error: answer.error });
    }
  }
  writeFileSync(values.out, pack({ info: load.result, calls }));
  return 0;
}

main().then(
  (status) => process.exit(status),
  (err) => {
    process.stderr.write(`first_frame.mjs: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
