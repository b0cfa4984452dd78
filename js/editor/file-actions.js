// Files in and out of the editor: open a .py file (button, or drop it anywhere on the page) and
// download this guide as one HTML file whose default script is the editor's text, or, with
// trained runs the learner chose (js/editor/share-dialog.js), one that opens on one of them.
import { el } from '../ui/dom.js';
import { pageWithScript, runsBlockText, download as save } from './page-snapshot.js';
import { chooseRuns } from './share-dialog.js';
import { windows1252Blob } from '../codec/text8.js';

// A .py file is a script (onOpen puts it in the editor); any other text file is a data set, one
// document per line (onDataset). scriptNow() -> {filename, source}; datasetNow() -> text or null.
// runs: the runs core's share API (list(), current, pack(ids); js/runs/), or null.
export function fileActions({ dropTarget, onOpen, onDataset, onError, scriptNow, datasetNow, runs = null }) {
  const picker = el('input', {
    type: 'file',
    accept: '.py,.txt,text/x-python,text/plain',
    hidden: true,
    'aria-hidden': 'true',
    tabindex: '-1',
  });
  const read = async (file) => {
    if (!file) return;
    if (file.size > 2_000_000) {
      onError(`${file.name} is larger than 2 MB, too large for this page to keep.`);
      return;
    }
    const text = await file.text();
    if (/\.py$/i.test(file.name)) onOpen(text, file.name);
    else onDataset(text, file.name);
  };
  picker.addEventListener('change', () => {
    read(picker.files[0]);
    picker.value = '';
  });
  const open = el(
    'button',
    {
      type: 'button',
      className: 'script-open',
      title: 'Open a .py script or a .txt data set, one name per line (or drop it anywhere on this page)',
    },
    'Open…',
  );
  const hint = el('span', 'script-drop-hint', 'or drop a file on the page');
  open.addEventListener('click', () => picker.click());
  const download = el(
    'button',
    { type: 'button', className: 'script-download', title: 'Save this guide as one HTML file that starts with your script' },
    'Download guide',
  );
  download.addEventListener('click', async () => {
    try {
      const editor = scriptNow();
      const sizeOf = async (chosen) => (await runsBlockText(chosen)).length;
      const choice = runs ? await chooseRuns(runs, { editorSource: editor.source, sizeOf, trigger: download }) : null;
      if (runs && !choice) return; // cancelled
      // The file opens on the chosen run, so its default script is that run's (what runs is what
      // the editor shows); without one, the editor's text as before.
      const opening = choice?.pack.runs.find((r) => r.id === choice.open);
      const runsText = opening ? await runsBlockText(choice) : '';
      const dataset = opening ? datasetOf(opening, choice.pack, datasetNow) : datasetNow();
      // The page is windows-1252 (py/builder/charset.py): its binary blocks are bytes as characters.
      save(windows1252Blob(await pageWithScript(opening?.script ?? editor, dataset, runsText), 'text/html'), 'microgpt-guide.html');
    } catch (error) {
      onError(error.message);
    }
  });
  // A file dropped anywhere on the page (dropTarget: the document) is opened as the button
  // opens it; without this the browser would leave the page to show the file. Capture phase: a
  // file dropped onto the editor replaces the script instead of CodeMirror inserting its text.
  // `dropTarget.dataset.drop` marks a drag in progress (a CSS outline says where it goes).
  const mark = dropTarget.documentElement ?? dropTarget;
  dropTarget.addEventListener(
    'dragover',
    (e) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        mark.dataset.drop = 'true';
      }
    },
    true,
  );
  dropTarget.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) delete mark.dataset.drop;
  });
  dropTarget.addEventListener(
    'drop',
    (e) => {
      delete mark.dataset.drop;
      const file = e.dataTransfer?.files?.[0];
      if (!file) return;
      e.preventDefault();
      e.stopPropagation();
      read(file);
    },
    true,
  );
  return [open, hint, download, picker];
}

// The data set a file opening on `run` embeds: the one it trained on. The runs core packs the
// texts of data sets other than the built-in one (pack.datasets); null keeps this page's own.
function datasetOf(run, pack, datasetNow) {
  if (String(run.dataset?.key ?? 'built-in').startsWith('built-in')) return null;
  return pack.datasets?.[run.dataset.key]?.text ?? datasetNow();
}
