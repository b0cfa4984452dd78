// "Download this guide": the page as it was built, with the learner's script as its default.
// The page is copied when this module is first evaluated (main.js imports it first), before
// any section, the boot card or the editor changes the DOM, so the copy boots like the original.
// The copy is a detached clone of the DOM (~7 ms: the embedded runtime's text is shared, not
// copied); it is serialised to HTML (~6 MB, ~40 ms) only when a download asks for it.
import { gzipStored } from './gzip-stored.js';
import { bytesToBase64 } from '../codec/bytes.js';
import { parsed } from '../embedded.js';
import { bytesToText8 } from '../codec/text8.js';
import { packToBytes } from '../codec/runs-bytes.js';
import { RUNS_BLOCK } from '../runs-file.js';

const clone = /** @type {HTMLElement} */ (document.documentElement.cloneNode(true));
let pristine = null;

// The page's script runs while the parser is still reading the file (js/embedded.js), so the
// copy ends at that script: the blocks that follow it (the runtime, which the page never
// changes) are copied from the document once it is parsed. Only script blocks and the text
// between them: the page adds its own elements (tooltips, dialogs) at the end of the body.
async function whole() {
  await parsed();
  const own = clone.querySelector('script[data-page]');
  while (own.nextSibling) own.nextSibling.remove();
  for (let node = document.querySelector('script[data-page]').nextSibling; node; node = node.nextSibling) {
    if (node.nodeType === Node.TEXT_NODE || node.nodeName === 'SCRIPT') own.parentNode.appendChild(node.cloneNode(true));
  }
  return `<!doctype html>\n${clone.outerHTML}`;
}

// The page's HTML with the default-script block holding `script` ({filename, source}). JSON with
// every "<" escaped can never close the <script> element early, and in ASCII it reads the same in
// the page's windows-1252 (as py/builder/embed.py writes it).
// datasetText (optional): a data set to embed instead of the built-in one.
// runsText (optional): the runs block (runsBlockText); without it the file carries no runs, even
// if this page came with some.
export async function pageWithScript(script, datasetText = null, runsText = '') {
  pristine ??= whole();
  const json = JSON.stringify(script).replace(/[<\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  let page = replaceBlock(await pristine, 'default-script', json);
  if (datasetText != null) page = replaceBlock(page, 'dataset', bytesToBase64(await gzip(new TextEncoder().encode(datasetText))));
  return replaceBlock(page, RUNS_BLOCK, runsText);
}

// The runs block's text for {pack, open} (js/runs-file.js reads it back): one character per byte
// of the file, so its length is what the runs add to the download.
export async function runsBlockText({ pack, open }) {
  return bytesToText8(await gzip(packToBytes(pack, open)));
}

function replaceBlock(html, name, text) {
  const open = html.match(new RegExp(`<script [^>]*data-embedded="${name}"[^>]*>`));
  if (!open) throw new Error(`This page has no ${name} block to replace.`);
  const start = open.index + open[0].length;
  const end = html.indexOf('</script>', start);
  return html.slice(0, start) + text + html.slice(end);
}

// Where CompressionStream is missing, stored (uncompressed) gzip: the copy opens the same way.
async function gzip(raw) {
  return typeof CompressionStream === 'function'
    ? new Uint8Array(await new Response(new Response(raw).body.pipeThrough(new CompressionStream('gzip'))).arrayBuffer())
    : gzipStored(raw);
}

// `content`: text (saved as UTF-8) or a Blob.
export function download(content, filename, type) {
  const url = URL.createObjectURL(content instanceof Blob ? content : new Blob([content], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
