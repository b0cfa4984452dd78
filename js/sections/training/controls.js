// Chapter 6's controls: train 1 / 10 / 100 steps or to the end, pause, the speed slider and the
// progress line. The buttons only ask; training/index.js runs the job in the worker.
import { el } from '../../ui/dom.js';

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
    this.end = this.buttons[3];
    this.buttons[0].classList.add('primary');
    this.pause = button('Pause', 'pause', 'Stop after the step that is running');
    this.pause.disabled = true;
    // Pause waits for the step under way to end; a step that never ends needs Stop, which ends
    // Python itself and brings the model back as it was after the last completed step.
    this.stop = el(
      'button',
      {
        type: 'button',
        className: 'tr-button tr-stop',
        hidden: true,
        disabled: true,
        title: 'End Python now (Esc): the model comes back as it was after the last completed step',
      },
      'Stop now',
    );
    this.stop.addEventListener('click', () => onStop());
    this.slider = el('input', { type: 'range', min: '0', max: '100', value: '100', className: 'tr-speed', 'aria-label': 'Speed' });
    // A drag fires many input events per frame: the worker hears the speed once per frame.
    let queued = 0;
    this.slider.addEventListener('input', () => {
      queued ||= requestAnimationFrame(() => {
        queued = 0;
        onSpeed(this.delay());
      });
    });
    const speed = el('label', 'tr-speed-label', [
      el('span', 'tr-speed-end', 'watch every step'),
      this.slider,
      el('span', 'tr-speed-end', 'as fast as it goes'),
    ]);
    this.progress = el('p', { className: 'tr-progress', 'aria-live': 'polite' });
    this.root = el('div', 'tr-controls', [el('div', 'tr-buttons', [...this.buttons, this.pause, this.stop]), speed]);
    this.rate = { t0: 0, s0: 0, delay: 0 };
    this.perStep = null; // seconds one step takes on this page, measured over the last run
  }

  // How long the remaining steps take at the page's own measured rate (null: not measured yet,
  // a first step measures it). The slider's pause between steps is added as it is now.
  estimate(remaining) {
    if (this.perStep == null || remaining <= 0) return null;
    return remaining * (this.perStep + this.delay() / 1000);
  }

  // "To the end" says how long it would take before it is pressed.
  showEstimate(remaining) {
    const seconds = this.estimate(remaining);
    this.end.textContent = seconds == null || remaining <= 0 ? 'To the end' : `To the end (~${clock(seconds)})`;
    this.end.dataset.estimate = seconds == null ? '' : String(Math.round(seconds));
    this.end.title =
      seconds == null
        ? 'Run the remaining steps of the training loop (a first step measures how long they take)'
        : `Run the ${remaining} remaining steps: about ${clock(seconds)} at this page's rate (Pause stops after the step under way)`;
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
    const handOff = running ? this.buttons.includes(focused) && this.pause : focused === this.pause && this.root.closest('[tabindex="0"]');
    for (const b of this.buttons) b.disabled = running;
    if (running) {
      this.hint = null;
      this.planned = null;
    }
    this.pause.disabled = !running;
    this.stop.hidden = !running;
    this.stop.disabled = !running; // hidden and out of reach when there is nothing to stop
    if (handOff) handOff.focus({ preventScroll: true }); // the reader may have scrolled away meanwhile
    this.root.dataset.running = String(running);
    // The run that ends gives the page's rate: its wall time per step, less the slider's pauses.
    const done = stepsDone - this.rate.s0;
    if (!running && done > 0) {
      const seconds = (performance.now() - this.rate.t0) / 1000;
      this.perStep = Math.max(0.001, seconds / done - ((this.rate.delay / 1000) * Math.max(0, done - 1)) / done);
    }
    this.rate = { t0: performance.now(), s0: stepsDone, delay: this.delay() };
  }

  // A long run starts: its length at the page's rate is in the progress line from the start
  // (before its first step is back), with how to stop it.
  plan(steps, target) {
    const seconds = this.estimate(steps);
    this.planned = seconds == null ? null : { seconds, target };
  }

  // A first step measured the page's rate for "To the end": say what the rest would take.
  measured(stepsDone, remaining) {
    const seconds = this.estimate(remaining);
    this.hint =
      seconds == null
        ? null
        : `step ${stepsDone} took ${this.perStep.toFixed(2)} s here: the ${remaining} remaining steps take about ${clock(seconds)}. ` +
          'Press "To the end" again to run them (Pause stops after the step under way)';
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
      const target = this.planned?.target ?? numSteps;
      parts.push(`${rate.toFixed(rate < 10 ? 1 : 0)} steps/s`);
      parts.push(`ETA ${clock((target - stepsDone) / rate)} to step ${target}`);
      if (this.planned) parts.push('Pause stops the run');
    } else if (running && this.planned) {
      parts.push(`running to step ${this.planned.target}: about ${clock(this.planned.seconds)} at this page's rate · Pause stops the run`);
    } else if (!running && this.hint) {
      parts.push(this.hint);
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
