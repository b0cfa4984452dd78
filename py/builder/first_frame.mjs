// Records the page's first frame at build time: boots the same Pyodide the page embeds, under
// Node, with the page's own standard library (its boot zip, and its lazy zip behind the same
// finder), creates the bridge Session through the worker's own js/worker/session.js (so results
// are converted to JavaScript exactly as the worker converts them), loads the script with the
// data set as the worker's boot does, then answers the calls the sections make for their first
// frame. Same WebAssembly, same libm, same stdlib, same conversion: the recording is the live
// worker's answer, bit for bit (tests/browser/test_first_frame.py checks it against the page).
//
//   node first_frame.mjs --sources FILE --script FILE --dataset FILE --calls FILE --out FILE
//                        --stdlib ZIP --lazy GZ --error FILE
//
// --stdlib: the page's boot zip; --lazy: its lazy zip, gzip-compressed (py/builder/stdlib.py).
// When the script's setup fails, the bridge's error ({type, message, traceback, line, col,
// phase}) is written to --error and the exit status is 3: the build then refuses the script.
//
// --sources: JSON {path: text}, the bridge package as the build embeds it (the worker's
// pythonSources).
//
// --calls: a JSON list of {method, args}; an argument written {"$ref": "info.docs_head.0"} is
// taken from an earlier answer ("info" is the load's, other names the first call of that
// method), so a build with another script or data set records the calls its page will make.
// Output: {info, calls: [{method, args, ok, result | error}]} packed by js/first-frame-codec.js
// (typed arrays, undefined, NaN and -0 survive).
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadPyodide } from "pyodide";
import { createSession } from "../../js/worker/session.js";
import { pack } from "../../js/first-frame-codec.js";
import { installLazyStdlib } from "../../js/worker/lazy-stdlib.js";

// The exit status that means "the script's setup failed" (first_frame.py reads the error file).
const SETUP_FAILED = 3;

const { values } = parseArgs({
  options: {
    sources: { type: "string" },
    script: { type: "string" },
    filename: { type: "string", default: "microgpt.py" },
    dataset: { type: "string" },
    calls: { type: "string" },
    out: { type: "string" },
    stdlib: { type: "string" },
    lazy: { type: "string" },
    error: { type: "string" },
  },
});

function resolveRefs(args, answers) {
  if (Array.isArray(args)) return args.map((a) => resolveRefs(a, answers));
  if (!args || typeof args !== "object") return args;
  if (typeof args.$ref === "string") {
    const [head, ...path] = args.$ref.split(".");
    let value = answers.get(head);
    for (const key of path) value = value?.[key];
    if (value === undefined) throw new Error(`first-frame call argument ${args.$ref} has no value`);
    return value;
  }
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, resolveRefs(v, answers)]));
}

async function main() {
  const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {}, stdLibURL: values.stdlib });
  installLazyStdlib(pyodide, () => new Uint8Array(readFileSync(values.lazy)));
  const session = createSession(pyodide, JSON.parse(readFileSync(values.sources, "utf8")), () => {});
  const source = readFileSync(values.script, "utf8");
  const dataset = readFileSync(values.dataset, "utf8");
  // The worker's boot message, exactly (js/worker/worker.js: boot).
  const load = session.handle("load", { source, filename: values.filename, dataset });
  if (!load.ok) {
    writeFileSync(values.error, JSON.stringify(load.error ?? { type: "Error", message: "unknown" }));
    return SETUP_FAILED;
  }
  // "script" too: a call may name the script's own text ({"$ref": "script.source"}).
  const answers = new Map([["info", load.result], ["script", { source, filename: values.filename }]]);
  const calls = [];
  for (const call of JSON.parse(readFileSync(values.calls, "utf8"))) {
    let args;
    try {
      args = resolveRefs(call.args ?? {}, answers);
    } catch {
      continue; // this script's page will not make this call (e.g. no longest name): skip it
    }
    const answer = session.handle(call.method, args);
    if (answer.ok && !answers.has(call.method)) answers.set(call.method, answer.result);
    calls.push({ method: call.method, args, ok: answer.ok, result: answer.result, error: answer.error });
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
