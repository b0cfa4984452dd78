// Starts Pyodide from the runtime embedded in the page, with no network: the loader's module,
// the Emscripten module and the stdlib's boot zip are decoded from the assets the page sent, and
// the loader's fetches are answered from memory. When the page carries Python's memory snapshot
// (js/worker/snapshot.js), Python is restored from it rather than started. The rest of the stdlib
// (the lazy zip) is only handed to Python, still compressed, for its first import of a module
// outside the boot zip.
import { assetText, assetBytes, assetPacked, piecesStream, packedPiecesStream } from './asset-decode.js';
import { importSource } from './import-source.js';
import { LAZY_STDLIB, installLazyStdlib } from './lazy-stdlib.js';
import { SNAPSHOT, readSnapshot, snapshotDecoder, applyDataImage, localize } from './snapshot.js';

// A URL with a scheme no browser fetches: every request under it is answered by `answerFetch`.
const INDEX_URL = 'embedded:/pyodide/';

// `assets`: an AssetInbox (js/worker/asset-inbox.js), the files arriving as the page parses them.
// `reuse` ({module, stdlib}, optional): what an earlier worker of this page compiled and
// decoded (see `runtime` below), so that a restart skips the slowest part of the boot. What
// worker.js and the page keep as `stdlib` (they only pass it back) is every decoded file: the boot
// zip and, when the page has one, the snapshot: {zip, snapshot}.
// Resolves {pyodide, runtime: {module, stdlib}}.
/** @param {{module?: WebAssembly.Module, stdlib?: {zip?: any, snapshot?: any}}} [reuse] the last worker's runtime */
export async function bootPyodide(assets, progress, reuse = {}) {
  const t0 = performance.now();
  const need = (name) => assets.get(name);

  // Compiling the wasm is the longest single piece of work before Python can start, so it
  // begins first, streaming from the decompression, which itself begins with the first piece
  // the page has parsed; it overlaps everything up to instantiation.
  progress('compile', 'running');
  const compile = (stream) => WebAssembly.compileStreaming(new Response(stream, { headers: { 'Content-Type': 'application/wasm' } }));
  /** @type {Promise<WebAssembly.Module>} */
  const compiled = (reuse.module ? Promise.resolve(reuse.module) : wasmStream(assets).then(compile)).then((module) => {
    progress('compile', 'done', performance.now() - t0);
    return module;
  });
  compiled.catch(() => {}); // awaited below; this only avoids an "unhandled" report in the meantime

  progress('decode', 'running');
  // The snapshot, read as its pieces come (after the wasm's), decoded once whole; or null: a page
  // without one starts Python itself (its wasm then has its data segments).
  const decoded = reuse.stdlib?.zip ? reuse.stdlib : null;
  if (!decoded) snapshotDecoder().catch(() => {}); // compiled now; a failure is seen by readSnapshot
  const snapshot = decoded
    ? Promise.resolve(decoded.snapshot)
    : assets.pieces(SNAPSHOT).then(
        (pieces) => readSnapshot(packedPiecesStream(pieces)),
        () => null,
      );
  snapshot.catch(() => {});
  const stdlib = decoded ? Promise.resolve(decoded.zip) : need('python_stdlib.zip').then(assetBytes);
  stdlib.catch(() => {}); // awaited when the loader asks for it
  // Only its text: it comes right after the boot zip, long before Python is up. A page without
  // one (none is built so) boots all the same, with the boot zip's modules only.
  const lazyStdlib = need(LAZY_STDLIB).catch(() => null);
  // The two loader modules are imported as soon as they are here (they come first), while the
  // snapshot and the wasm are still being parsed.
  const lockFile = need('pyodide-lock.json').then((a) => a.text);
  const [loaderSource, asmSource] = await Promise.all([need('pyodide.mjs').then(assetText), need('pyodide.asm.mjs').then(assetText)]);
  const [loader, asm] = await Promise.all([importSource(loaderSource), importSource(asmSource)]);
  // Whether the page carries a snapshot is known at its first piece, right after the wasm's.
  const restoring = decoded
    ? Boolean(decoded.snapshot)
    : await assets.pieces(SNAPSHOT).then(
        () => true,
        () => false,
      );
  progress('decode', 'done', performance.now() - t0);

  // The loader asks for the wasm with instantiateStreaming: hand it the module compiled above,
  // with its data put in place first when it comes from the snapshot (snapshot.js).
  const originalInstantiateStreaming = WebAssembly.instantiateStreaming;
  let pythonStart = 0;
  /** @type {{imports: WebAssembly.Imports, instance: WebAssembly.Instance} | null} */
  let wasm = null;
  WebAssembly.instantiateStreaming = async (_source, imports) => {
    /** @type {WebAssembly.Module} */
    const module = await compiled;
    pythonStart = performance.now();
    progress('python', 'running');
    const instance = await WebAssembly.instantiate(module, imports);
    if (restoring) applyDataImage(await snapshot, instance.exports.memory);
    wasm = { imports, instance };
    return { module, instance };
  };
  const originalFetch = self.fetch;
  self.fetch = (input, init) => answerFetch(input instanceof Request ? input.url : String(input), stdlib) ?? originalFetch(input, init);

  try {
    const pyodide = await loader.loadPyodide({
      indexURL: INDEX_URL,
      lockFileContents: await lockFile,
      createPyodideModule: asm.default,
      stdout: () => {},
      stderr: () => {},
      checkAPIVersion: true,
      ...(restoring ? { _loadSnapshot: snapshot.then((s) => s.bytes) } : {}),
    });
    if (restoring) localize(pyodide, wasm.imports, wasm.instance);
    const lazy = await lazyStdlib;
    if (lazy) installLazyStdlib(pyodide, () => assetPacked(lazy, 'xz'));
    progress('python', 'done', performance.now() - pythonStart);
    return { pyodide, runtime: { module: await compiled, stdlib: { zip: await stdlib, snapshot: await snapshot } } };
  } finally {
    WebAssembly.instantiateStreaming = originalInstantiateStreaming;
    self.fetch = originalFetch;
  }
}

// The wasm's bytes as they are decoded, from the first piece the page has parsed on.
async function wasmStream(assets) {
  return piecesStream(await assets.pieces('pyodide.asm.wasm'));
}

// The loader's fetches under INDEX_URL: the stdlib (the wasm never gets here, see above).
function answerFetch(url, stdlib) {
  if (!url.startsWith(INDEX_URL)) return null;
  const name = url.slice(INDEX_URL.length);
  // A copy: the bytes are kept for the next boot, and the loader may take over its buffer.
  if (name === 'python_stdlib.zip') return stdlib.then((bytes) => new Response(bytes.slice()));
  return Promise.resolve(new Response(`Not embedded: ${name}`, { status: 404 }));
}
