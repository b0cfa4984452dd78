// Files in and out of the editor: open a .py file (button or drop onto the editor) and
// download this guide as one HTML file whose default script is the editor's text.
import { el } from '../ui/dom.js';
import { pageWithScript, downloadText } from './page-snapshot.js';

// onOpen(text, name) puts a file's text in the editor; scriptNow() -> {filename, source}.
export function fileActions({ dropTarget, onOpen, onError, scriptNow }) {
  const picker = el('input', { type: 'file', accept: '.py,text/x-python,text/plain', hidden: true, 'aria-hidden': 'true', tabindex: '-1' });
  const read = async (file) => {
    if (!file) return;
    if (file.size > 1_000_000) { onError(`${file.name} is larger than 1 MB; a script of this kind is a few kB.`); return; }
    onOpen(await file.text(), file.name);
  };
  picker.addEventListener('change', () => { read(picker.files[0]); picker.value = ''; });
  const open = el('button', { type: 'button', className: 'script-open', title: 'Open a Python file (or drop it onto the editor)' }, 'Open…');
  open.addEventListener('click', () => picker.click());
  const download = el('button', { type: 'button', className: 'script-download', title: 'Save this guide as one HTML file that starts with your script' }, 'Download guide');
  download.addEventListener('click', () => {
    try {
      downloadText(pageWithScript(scriptNow()), 'microgpt-guide.html', 'text/html');
    } catch (error) {
      onError(error.message);
    }
  });
  // Capture phase: a dropped file replaces the script instead of CodeMirror inserting its text.
  dropTarget.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('Files')) { e.preventDefault(); dropTarget.dataset.drop = 'true'; } }, true);
  dropTarget.addEventListener('dragleave', () => { delete dropTarget.dataset.drop; });
  dropTarget.addEventListener('drop', (e) => {
    delete dropTarget.dataset.drop;
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    e.stopPropagation();
    read(file);
  }, true);
  return [open, download, picker];
}
