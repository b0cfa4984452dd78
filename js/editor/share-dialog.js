// "Download guide" with runs (issue 24, "Share"): a dialog that lists the runs this page keeps,
// the current one ticked, each with its label, its steps and the bytes it adds to the file, and
// says which one the file will open on. Runs never trained are left out: their script is all
// they hold, and the file carries the editor's script anyway. Until the learner has trained a
// run in this browser (or put the page on the build's native run, chapter 6's "Jump to step")
// there is no dialog: that native run, always listed, is not alone a reason to ask, and the
// download goes straight through, as before runs existed.
//
//   await chooseRuns(runs, {editorSource, sizeOf, trigger})
//     -> {pack, open} (open: null when nothing is chosen) | null when the learner cancels
//   runs: the runs core's share API (list(), current, pack(ids)); sizeOf({pack, open}) -> bytes.
import { Modal } from '../ui/modal.js';
import { el } from '../ui/dom.js';
import { NATIVE_ID } from '../runs/native-run.js';

export async function chooseRuns(runs, { editorSource, sizeOf, trigger }) {
  const candidates = runs.list().filter((r) => r.step > 0);
  const asked = candidates.some((r) => r.id !== NATIVE_ID || r.id === runs.current?.id); // the native run on the page counts
  if (!asked) return { pack: { runs: [], states: {} }, open: null };
  const pack = await runs.pack(candidates.map((r) => r.id));
  const shareable = pack.runs.filter((r) => pack.states[r.id]);
  if (!shareable.length) return { pack: { runs: [], states: {} }, open: null };
  const only = (chosen) => ({ runs: chosen, states: Object.fromEntries(chosen.map((r) => [r.id, pack.states[r.id]])) });
  const sizes = await Promise.all(shareable.map((r) => sizeOf({ pack: only([r]), open: r.id })));
  const currentId = runs.current?.id;

  return new Promise((resolve) => {
    let answer = null;
    const modal = new Modal({ title: 'Download guide', className: 'share-runs', onClose: () => resolve(answer) });
    const rows = shareable.map((run, i) => {
      const box = el('input', { type: 'checkbox', value: run.id });
      box.checked = run.id === currentId;
      box.addEventListener('change', () => describe());
      const label = el('label', 'share-run', [
        box,
        el('span', 'share-run-label', run.label),
        el('span', 'share-run-steps', `${run.step} step${run.step === 1 ? '' : 's'}`),
        el('span', 'share-run-size', `${Math.round(sizes[i] / 1000)} KB`),
      ]);
      return { run, box, label };
    });
    const opensOn = el('p', 'share-opens');
    opensOn.setAttribute('aria-live', 'polite');
    const chosen = () => rows.filter((r) => r.box.checked).map((r) => r.run);
    // The file opens on the current run when it goes along, else on the first one ticked.
    const openRun = () => chosen().find((r) => r.id === currentId) ?? chosen()[0] ?? null;
    function describe() {
      const run = openRun();
      if (!run) {
        opensOn.textContent = 'No run: the file opens on the script in the editor, untrained.';
        return;
      }
      const others = chosen().length - 1;
      const along = others
        ? `; ${others === 1 ? 'the other run' : `the ${others} other runs`} ticked ${others === 1 ? 'is' : 'are'} in its list`
        : '';
      const edited =
        run.script.source !== editorSource ? ' The editor holds an edit that has not run: the file carries the run’s script.' : '';
      opensOn.textContent = `The file opens on “${run.label}” at step ${run.step}${along}.${edited}`;
    }
    const save = el('button', { type: 'button', className: 'share-save' }, 'Download');
    const cancel = el('button', { type: 'button', className: 'share-cancel' }, 'Cancel');
    save.addEventListener('click', () => {
      const open = openRun();
      answer = { pack: only(chosen()), open: open?.id ?? null };
      modal.close();
    });
    cancel.addEventListener('click', () => modal.close());
    modal.body.append(
      el(
        'p',
        'share-intro',
        'Which trained runs go with the file? Each one carries its script, its loss history and its model as trained.',
      ),
      el('fieldset', 'share-list', [el('legend', null, 'Runs'), ...rows.map((r) => r.label)]),
      opensOn,
      el('div', 'share-actions', [cancel, save]),
    );
    describe();
    modal.open(trigger, save);
  });
}
