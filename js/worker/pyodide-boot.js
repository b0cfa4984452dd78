// Starts Pyodide from the runtime embedded in the page, with no network: the loader's module,
// the Emscripten module and the stdlib are decoded from the assets the page sent, and the
// loader's fetches are answered from memory.
import { base64ToBytes, gunzipStream, gunzipText, gunzipBytes } from './decode.js';

// A URL with a scheme no browser fetches: every request under it is answered by `answerFetch`.
const INDEX_URL = 'embedded:/pyodide/';

export async function bootPyodide(assets, progress) {
  progress('decode', 'running');
  const t0 = performance.now();
  const byName = Object.fromEntries(assets.map((a) => [a.name, a]));
  const need = (name) => {
    const asset = byName[name];
    if (!asset) throw new Error(`The embedded runtime is missing ${name}.`);
    return asset;
  };
  const wasmBytes = base64ToBytes(need('pyodide.asm.wasm').text);
  const stdlibBytes = base64ToBytes(need('python_stdlib.zip').text);
  const [loaderSource, asmSource] = await Promise.all([
    gunzipText(base64ToBytes(need('pyodide.mjs').text)),
    gunzipText(base64ToBytes(need('pyodide.asm.mjs').text)),
  ]);
  const lockFile = need('pyodide-lock.json').text;
  const [loader, asm] = await Promise.all([importSource(loaderSource), importSource(asmSource)]);
  progress('decode', 'done', performance.now() - t0);

  // The wasm is served as a streaming Response over the gunzip stream, so decompression
  // overlaps compilation. Timing the compile means wrapping the one call that does it.
  const compile = { start: 0, end: 0 };
  const originalInstantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    compile.start = performance.now();
    progress('compile', 'running');
    const result = await originalInstantiateStreaming.call(WebAssembly, source, imports);
    compile.end = performance.now();
    progress('compile', 'done', compile.end - compile.start);
    progress('python', 'running');
    return result;
  };
  const originalFetch = self.fetch;
  self.fetch = (input, init) => answerFetch(String(input?.url ?? input), { wasmBytes, stdlibBytes }) ?? originalFetch(input, init);

  try {
    const pyodide = await loader.loadPyodide({
      indexURL: INDEX_URL,
      lockFileContents: lockFile,
      createPyodideModule: asm.default,
      stdout: () => {},
      stderr: () => {},
      checkAPIVersion: true,
    });
    const pythonMs = performance.now() - (compile.end || t0);
    progress('python', 'done', pythonMs);
    return pyodide;
  } finally {
    WebAssembly.instantiateStreaming = originalInstantiateStreaming;
    self.fetch = originalFetch;
  }
}

function answerFetch(url, { wasmBytes, stdlibBytes }) {
  if (!url.startsWith(INDEX_URL)) return null;
  const name = url.slice(INDEX_URL.length);
  if (name === 'pyodide.asm.wasm') {
    return Promise.resolve(new Response(gunzipStream(wasmBytes), { headers: { 'Content-Type': 'application/wasm' } }));
  }
  if (name === 'python_stdlib.zip') {
    return gunzipBytes(stdlibBytes).then((bytes) => new Response(bytes));
  }
  return Promise.resolve(new Response(`Not embedded: ${name}`, { status: 404 }));
}

// import() of source text: a blob: URL where the engine allows it, else a data: URL
// (WebKit refuses import() of blob: URLs in workers whose origin is "null").
async function importSource(source) {
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return await import(/* @vite-ignore */ blobUrl);
  } catch {
    return import(/* @vite-ignore */ 'data:text/javascript;charset=utf-8,' + encodeURIComponent(source));
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}
