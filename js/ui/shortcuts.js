// The page's keyboard shortcuts: one table of what each key does and where, the "?" dialog that
// lists it, and the "?" key that opens it from anywhere. (Escape needs nothing here: dialogs
// close on it by themselves, and ui/tooltip.js hides its tooltip on it.)
//
// The keys that act on a chapter are handled by that chapter, on its own element (it knows
// when it has focus and what "one step" means there); this table is what the learner reads,
// so a chapter that adds a key adds its row here. Every handler ignores keys typed into a text
// field or the code editor (isTyping), so "?" or Space there are just characters.
//
//   initShortcuts(buttonOrNull);   // once, at start: the global keys and the sidebar button
//   isTyping(event.target)         // true inside a text field, a select or the code editor
import { el } from './dom.js';
import { Modal } from './modal.js';
import { hideTooltip } from './tooltip.js';

// [keys, where it applies, what it does]; keys are shown as written, one <kbd> each.
export const SHORTCUTS = [
  [['?'], 'anywhere', 'Show this list of shortcuts'],
  [['Tab', 'Shift+Tab'], 'anywhere', 'Move to the next / previous control, in reading order'],
  [['Esc'], 'a zoomed view, a dialog, a tooltip', 'Close it; focus returns where it was'],
  [['Ctrl+Enter'], '0 · the script editor', 'Run the script (⌘+Enter on a Mac)'],
  [['←', '→'], '4 · the step-through of gpt()', 'The previous / next statement gpt() ran'],
  [['Enter'], '6 · the training loop', 'Train one step'],
  [['Space'], '6 · the training loop, while it runs', 'Pause the run (Pause has focus while a run goes; elsewhere Space scrolls the page)'],
  [['←', '↑', '→', '↓'], 'a heatmap with focus', 'Move the cell cursor; its numbers show as on hover'],
  [['Enter', 'Space'], 'a heatmap cell or a graph node', 'Pick it, as a click does'],
];

// Elements where a key is text: fields that take characters, selects (type to find an option)
// and CodeMirror's editable area. Sliders, buttons and checkboxes are not.
const NOT_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image']);

export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest('.cm-editor, [contenteditable=""], [contenteditable="true"], textarea, select')) return true;
  return target instanceof HTMLInputElement && !NOT_TEXT_INPUTS.has(target.type);
}

let dialog = null; // the Modal, built on first open

function shortcutsTable() {
  const keys = (list) => list.flatMap((key, i) => [i ? ' ' : null, el('kbd', null, key)]).filter(Boolean);
  const head = el(
    'tr',
    null,
    ['Key', 'Where', 'What it does'].map((text) => el('th', { scope: 'col' }, text)),
  );
  const rows = SHORTCUTS.map(([list, where, what]) =>
    el('tr', null, [el('td', 'shortcut-keys', keys(list)), el('td', 'shortcut-where', where), el('td', null, what)]),
  );
  return el('table', 'shortcuts-table', [el('thead', null, head), el('tbody', null, rows)]);
}

export function openShortcuts(trigger = document.activeElement) {
  if (!dialog) {
    dialog = new Modal({ title: 'Keyboard shortcuts', className: 'shortcuts-dialog' });
    dialog.body.append(
      shortcutsTable(),
      el(
        'p',
        'shortcuts-note',
        "A chapter's keys work while that chapter (or a control inside it) has focus: click it or Tab to it. Keys typed into a text field or the code editor are just text.",
      ),
    );
  }
  hideTooltip();
  dialog.open(trigger);
}

export function initShortcuts(button) {
  button?.addEventListener('click', () => openShortcuts(button));
  document.addEventListener('keydown', (e) => {
    if (e.key !== '?' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    if (dialog?.isOpen) return;
    if (document.querySelector('dialog[open]')) return; // another dialog is up: it keeps the keys
    e.preventDefault();
    openShortcuts();
  });
}
