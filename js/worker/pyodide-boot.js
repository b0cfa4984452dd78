// Starts Pyodide from the runtime embedded in the page, with no network: the loader's module,
// the Emscripten module and the stdlib are decoded from the assets the page sent, and the
// loader's fetches are answered from memory.
import { base64ToBytes, gunzipStream, gunzipText, gunzipBytes } from './decode.js';

// A URL with a scheme no browser fetches: every request under it is answered by `answerFetch`.
const INDEX_URL = 'embedded:/pyodide/';

export async function bootPyodide(assets, progress) {
  const t0 = performance.now();
  const byName = Object.fromEntries(assets.map((a) => [a.name, a]));
  const need = (name) => {
    const asset = byName[name];
    if (!asset) throw new Error(`The embedded runtime is missing ${name}.`);
    return asset;
  };

  // Compiling the wasm is the longest single piece of work before Python can start, so it
  // begins first, streaming from the gunzip, and overlaps everything up to instantiation.
  progress('compile', 'running');
  const wasmBytes = base64ToBytes(need('pyodide.asm.wasm').text);
  const compiled = WebAssembly.compileStreaming(
    new Response(gunzipStream(wasmBytes), { headers: { 'Content-Type': 'application/wasm' } }),
  ).then((module) => {
    progress('compile', 'done', performance.now() - t0);
    return module;
  });
  compiled.catch(() => {}); // awaited below; this only avoids an "unhandled" report in the meantime

  progress('decode', 'running');
  const stdlibBytes = base64ToBytes(need('python_stdlib.zip').text);
  const [loaderSource, asmSource] = await Promise.all([
    gunzipText(base64ToBytes(need('pyodide.mjs').text)),
    gunzipText(base64ToBytes(need('pyodide.asm.mjs').text)),
  ]);
  const lockFile = need('pyodide-lock.json').text;
  const [loader, asm] = await Promise.all([importSource(loaderSource), importSource(asmSource)]);
  progress('decode', 'done', performance.now() - t0);

  // The loader asks for the wasm with instantiateStreaming: hand it the module compiled above.
  const originalInstantiateStreaming = WebAssembly.instantiateStreaming;
  let pythonStart = 0;
  WebAssembly.instantiateStreaming = async (_source, imports) => {
    const module = await compiled;
    pythonStart = performance.now();
    progress('python', 'running');
    const instance = await WebAssembly.instantiate(module, imports);
    return { module, instance };
  };
  const originalFetch = self.fetch;
  self.fetch = (input, init) => answerFetch(String(input?.url ?? input), stdlibBytes) ?? originalFetch(input, init);

  try {
    const pyodide = await loader.loadPyodide({
      indexURL: INDEX_URL,
      lockFileContents: lockFile,
      createPyodideModule: asm.default,
      stdout: () => {},
      stderr: () => {},
      checkAPIVersion: true,
    });
    progress('python', 'done', performance.now() - pythonStart);
    return pyodide;
  } finally {
    WebAssembly.instantiateStreaming = originalInstantiateStreaming;
    self.fetch = originalFetch;
  }
}

// The loader's fetches under INDEX_URL: the stdlib (the wasm never gets here, see above).
function answerFetch(url, stdlibBytes) {
  if (!url.startsWith(INDEX_URL)) return null;
  const name = url.slice(INDEX_URL.length);
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
