// Stop: ends whatever Python is doing, at any moment, and brings the page back as it was after
// the last completed step.
//
// A page opened from file:// cannot interrupt a running Python (that needs a SharedArrayBuffer,
// which needs cross-origin isolation), so Stop ends the worker. A spare worker, booted in the
// background with the current script, takes its place at once, and the model store's last
// good state (js/model-store.js) is imported into it. The same happens, without being asked,
// when Python runs out of memory.
//
// While a call has waited for Python longer than BUSY_AFTER_MS, the runtime badge says so and
// offers Stop; Escape does the same (when no dialog is open), and window.microgptGuide.stop().
//
//   const stopper = createStopper({ rpc, store, badge, consolePanel, onStopping, onRestored });
//   stopper.stop(reason)       -> Promise of {ms, step} once Python is back
//   stopper.scriptChanged()    the spare must boot with the new script
import { el } from './ui/dom.js';

const BUSY_AFTER_MS = 700;
const SPARE_AFTER_IDLE_MS = 1000; // the spare boots once Python has been idle this long,
const SPARE_WHEN_BUSY_MS = 150; // or once a call has run this long (it may never return)

export function createStopper({ rpc, store, badge, consolePanel, onStopping, onRestored }) {
  const text = badge.querySelector('.runtime-text');
  const button = el(
    'button',
    {
      type: 'button',
      className: 'runtime-stop',
      hidden: true,
      title: 'Stop Python now (Esc): it restarts with the model as it was after the last completed step',
    },
    'Stop',
  );
  badge.append(button);
  let stopping = null;
  let idleSince = performance.now();
  let previousText = null;
  // Until Python first says it is ready, waiting is the boot's, which has its own card: no
  // badge, and no spare booting beside it (it would only slow the boot down).
  let live = false;
  rpc.ready.then(
    () => {
      live = true;
      idleSince = performance.now();
    },
    () => {},
  );

  button.addEventListener('click', () => stop('button'));
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !isBusy()) return;
    if (document.querySelector('dialog[open]')) return; // Escape closes the dialog first
    e.preventDefault();
    stop('key');
  });

  const isBusy = () => rpc.busySince != null;

  // The badge follows Python's state: busy for long, stopping, or idle (the boot's own text).
  setInterval(() => {
    if (!live) return;
    const since = rpc.busySince;
    const busy = since != null && performance.now() - since > BUSY_AFTER_MS;
    if (busy && !stopping) {
      previousText ??= text.textContent;
      badge.dataset.state = 'busy';
      text.textContent = `Python is working… ${((performance.now() - since) / 1000).toFixed(0)} s`;
    } else if (!stopping && previousText != null) {
      badge.dataset.state = 'ready';
      text.textContent = previousText;
      previousText = null;
    }
    button.hidden = !busy || stopping != null;
    // A spare worker boots once Python has been idle a while (it would slow a first training
    // run), or at once when a call runs long: Stop then swaps to a worker that is ready.
    if (since != null) idleSince = performance.now();
    const idleLong = since == null && performance.now() - idleSince > SPARE_AFTER_IDLE_MS;
    const busyLong = since != null && performance.now() - since > SPARE_WHEN_BUSY_MS;
    if ((idleLong || busyLong) && !rpc.hasSpare && !stopping) rpc.prepareRestart();
  }, 250);

  async function stop(reason) {
    if (stopping) return stopping;
    const t0 = performance.now();
    const state = store.state;
    onStopping?.();
    stopping = (async () => {
      badge.dataset.state = 'busy';
      text.textContent = reason === 'memory' ? 'Out of memory: restarting Python…' : 'Stopping Python…';
      button.hidden = true;
      consolePanel.system(
        reason === 'memory'
          ? 'Python ran out of memory: the worker is restarting with the last good state.'
          : 'Python was stopped and is restarting with the last good state.',
        'system',
      );
      let info = await rpc.restart();
      if (state?.checkpoint) info = await rpc.call('checkpoint_import', { blob: state.checkpoint });
      const ms = performance.now() - t0;
      const step = info?.step ?? 0;
      const kept = step ? `the model as it was after step ${step}` : 'the model as the script set it up';
      text.textContent = 'Python is running';
      badge.dataset.state = 'ready';
      consolePanel.system(`Python is back in ${Math.round(ms)} ms, with ${kept}.`, 'system');
      onRestored(info, { reason, ms, step, history: state?.history ?? null, imported: Boolean(state?.checkpoint) });
      return { ms, step };
    })();
    try {
      return await stopping;
    } catch (error) {
      badge.dataset.state = 'error';
      text.textContent = 'Python stopped';
      consolePanel.system(`Python could not be restarted: ${error?.message ?? error}`, 'error');
      throw error;
    } finally {
      stopping = null;
      idleSince = performance.now();
    }
  }

  // Another script ran: a spare booted with the old one would bring it back.
  function scriptChanged() {
    rpc.dropSpare();
    idleSince = performance.now();
  }

  return {
    stop,
    scriptChanged,
    get stopping() {
      return stopping != null;
    },
  };
}
