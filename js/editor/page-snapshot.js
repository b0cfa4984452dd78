// "Download this guide": the page as it was built, with the learner's script as its default.
// The HTML is captured when this module is first evaluated (main.js imports it first), before
// any section, the boot card or the editor changes the DOM, so the copy boots like the original.
// It costs one serialisation of the page (~8 MB of text, mostly the embedded runtime) at start.
const pristine = `<!doctype html>\n${document.documentElement.outerHTML}`;
const OPEN = '<script type="application/json" data-embedded="default-script">';

// The page's HTML with the default-script block holding `script` ({filename, source}). JSON with
// every "<" escaped can never close the <script> element early (as py/builder/embed.py does).
export function pageWithScript(script) {
  const start = pristine.indexOf(OPEN);
  const end = pristine.indexOf('</script>', start);
  if (start < 0 || end < 0) throw new Error('This page has no default-script block to replace.');
  const json = JSON.stringify(script).replace(/</g, '\\u003c');
  return pristine.slice(0, start + OPEN.length) + json + pristine.slice(end);
}

export function downloadText(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
