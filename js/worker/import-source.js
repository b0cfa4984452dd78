// import() of JavaScript source text, in the worker (Pyodide's modules) and the page (the editor):
// a blob: URL where the engine allows it, else a data: URL (WebKit refuses import() of blob: URLs
// in workers whose origin is "null", as a page opened from file:// has).
export async function importSource(source) {
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return await import(/* @vite-ignore */ blobUrl);
  } catch {
    return import(/* @vite-ignore */ 'data:text/javascript;charset=utf-8,' + encodeURIComponent(source));
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}
