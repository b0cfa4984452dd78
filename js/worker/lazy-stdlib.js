// The rest of the standard library, on first import: the page's stdlib comes in two zips
// (py/builder/stdlib.py). Pyodide installs the boot zip; this hands Python a way to get the lazy
// one, which the finder in the boot zip (py/builder/stdlib_lazy.py, `_guide_stdlib`) calls the
// first time a module of it is imported. Until then it stays as the page's text: nothing is
// decoded at boot. Also used under Node by the build (first_frame.mjs, pyodide_stdlib.mjs).

export const LAZY_STDLIB = 'python_stdlib_lazy.zip';

// `packed()`: the lazy zip, xz- (the page's) or gzip-compressed, as a Uint8Array (called at most
// once, synchronously, from inside an import: Python decompresses it with its own lzma or zlib).
export function installLazyStdlib(pyodide, packed) {
  const module = pyodide.pyimport('_guide_stdlib');
  try {
    module.install(packed);
  } finally {
    module.destroy();
  }
}
