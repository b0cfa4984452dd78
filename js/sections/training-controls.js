// Chapter 6's controls: train 1 / 10 / 100 steps or to the end, pause, the speed slider and the
// progress line. The buttons only ask; training.js runs the job in the worker.
import { el } from '../ui/dom.js';

const SLOWEST_MS = 1000; // "watch every step": the worker waits this long between steps

export class TrainingControls {
  // onTrain(count | 'end'), onPause(), onStop(), onSpeed(delayMs)
  constructor({ onTrain, onPause, onStop, onSpeed }) {
    const button = (label, action, title) => {
      const b = el('button', { type: 'button', className: 'tr-button', dataset: { action }, title }, label);
      b.addEventListener('click', () => (action === 'pause' ? onPause() : onTrain(action === 'end' ? 'end' : Number(action))));
      return b;
    };
    this.buttons = [
      button('Train 1 step', '1', 'Run the loop body once (Enter, when this chapter has focus)'),
      button('10 steps', '10'),
      button('100 steps', '100'),
      button('To the end', 'end', 'Run the remaining steps of the training loop'),
    ];
    this.buttons[0].classList.add('primary');
    this.pause = button('Pause', 'pause', 'Stop after the step that is running');
    this.pause.disabled = true;
    // Pause waits for the step under way to end; a step that never ends needs Stop, which ends
    // Python itself and brings the model back as it was after the last completed step.
    this.stop = el('button', { type: 'button', className: 'tr-button tr-stop', hidden: true, disabled: true,
      title: 'End Python now (Esc): the model comes back as it was after the last completed step' }, 'Stop now');
    this.stop.addEventListener('click', () => onStop());
    this.slider = el('input', { type: 'range', min: '0', max: '100', value: '100', className: 'tr-speed', 'aria-label': 'Speed' });
    // A drag fires many input events per frame: the worker hears the speed once per frame.
    let queued = 0;
    this.slider.addEventListener('input', () => {
      queued ||= requestAnimationFrame(() => { queued = 0; onSpeed(this.delay()); });
    });
    const speed = el('label', 'tr-speed-label', [
      el('span', 'tr-speed-end', 'watch every step'), this.slider, el('span', 'tr-speed-end', 'as fast as it goes'),
    ]);
    this.progress = el('p', { className: 'tr-progress', 'aria-live': 'polite' });
    this.root = el('div', 'tr-controls', [el('div', 'tr-buttons', [...this.buttons, this.pause, this.stop]), speed]);
    this.rate = { t0: 0, s0: 0 };
  }

  // The pause between steps the slider asks for: quadratic, so the fast end has fine control.
  delay() {
    const slow = 1 - Number(this.slider.value) / 100;
    return Math.round(SLOWEST_MS * slow * slow);
  }

  setRunning(running, stepsDone) {
    // A focused button that gets disabled drops keyboard focus to the top of the page: hand it
    // on instead, to Pause while the run goes, and after it to the chapter (whose keys go on).
    const focused = document.activeElement;
    const handOff = running
      ? this.buttons.includes(focused) && this.pause
      : focused === this.pause && this.root.closest('[tabindex="0"]');
    for (const b of this.buttons) b.disabled = running;
    this.pause.disabled = !running;
    this.stop.hidden = !running;
    this.stop.disabled = !running; // hidden and out of reach when there is nothing to stop
    if (handOff) handOff.focus({ preventScroll: true }); // the reader may have scrolled away meanwhile
    this.root.dataset.running = String(running);
    this.rate = { t0: performance.now(), s0: stepsDone };
  }

  setEnabled(enabled) {
    for (const b of this.buttons) b.disabled = !enabled;
  }

  // "step k / N · x steps/s · ETA" — the rate over the current run, measured on the page.
  // `over`: the loop's iterable is used up (the bridge's step returned no record).
  showProgress(stepsDone, numSteps, running, over = false) {
    const parts = [`step ${stepsDone} / ${numSteps}`];
    const seconds = (performance.now() - this.rate.t0) / 1000;
    const done = stepsDone - this.rate.s0;
    if (running && done > 0 && seconds > 0) {
      const rate = done / seconds;
      parts.push(`${rate.toFixed(rate < 10 ? 1 : 0)} steps/s`);
      parts.push(`ETA ${clock((numSteps - stepsDone) / rate)} to step ${numSteps}`);
    } else if (!running && (over || stepsDone >= numSteps)) {
      parts.push('the training loop is over: every step of it has run');
    } else if (!running && stepsDone > 0) {
      parts.push('paused: hover the heatmap below to read any parameter');
    }
    this.progress.textContent = parts.join(' · ');
    this.progress.dataset.step = String(stepsDone);
    this.progress.dataset.over = String(!running && (over || stepsDone >= numSteps));
  }
}

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
