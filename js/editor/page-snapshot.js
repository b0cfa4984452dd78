// "Download this guide": the page as it was built, with the learner's script as its default.
// The HTML is captured when this module is first evaluated (main.js imports it first), before
// any section, the boot card or the editor changes the DOM, so the copy boots like the original.
// It costs one serialisation of the page (~8 MB of text, mostly the embedded runtime) at start.
import { gzipStored } from './gzip-stored.js';
import { bytesToBase64 } from '../worker/decode.js';

const pristine = `<!doctype html>\n${document.documentElement.outerHTML}`;

// The page's HTML with the default-script block holding `script` ({filename, source}). JSON with
// every "<" escaped can never close the <script> element early (as py/builder/embed.py does).
// datasetText (optional): a data set to embed instead of the built-in one.
export async function pageWithScript(script, datasetText = null) {
  let page = replaceBlock(pristine, 'default-script', JSON.stringify(script).replace(/</g, '\\u003c'));
  if (datasetText != null) page = replaceBlock(page, 'dataset', await gzipBase64(datasetText));
  return page;
}

function replaceBlock(html, name, text) {
  const open = html.match(new RegExp(`<script [^>]*data-embedded="${name}"[^>]*>`));
  if (!open) throw new Error(`This page has no ${name} block to replace.`);
  const start = open.index + open[0].length;
  const end = html.indexOf('</script>', start);
  return html.slice(0, start) + text + html.slice(end);
}

// Where CompressionStream is missing, stored (uncompressed) gzip: the copy opens the same way.
async function gzipBase64(text) {
  const raw = new TextEncoder().encode(text);
  const bytes = typeof CompressionStream === 'function'
    ? new Uint8Array(await new Response(new Response(raw).body.pipeThrough(new CompressionStream('gzip'))).arrayBuffer())
    : gzipStored(raw);
  return bytesToBase64(bytes);
}

export function downloadText(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
