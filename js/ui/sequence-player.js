// Plays a list of steps in time on requestAnimationFrame: each step has a duration, and the
// player reports when a step begins, how far along it is, and when it ends. With
// prefers-reduced-motion every step is applied at once, with no motion in between.
//
//   const player = new SequencePlayer({ begin(step), progress(step, t), end(step), done() });
//   player.play(steps);   // steps: [{ duration (ms), ...anything }]
//   player.next();        // finish the current step now and stop (single-stepping)
//   player.finish();      // apply every remaining step now
//   player.stop();        // abandon; nothing more is reported

export function prefersReducedMotion() {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

export class SequencePlayer {
  constructor(handlers) {
    this.handlers = handlers;
    this.steps = [];
    this.index = -1; // the step under way (begun, not ended)
    this.frame = 0;
    this.startedAt = 0;
  }

  get playing() {
    return this.frame !== 0;
  }
  get started() {
    return this.index >= 0 || this.finished;
  }
  get finished() {
    return this.steps.length > 0 && this.index >= this.steps.length;
  }

  load(steps) {
    this.stop();
    this.steps = steps;
    this.index = -1;
  }

  play(steps) {
    if (steps) this.load(steps);
    if (prefersReducedMotion()) {
      this.finish();
      return;
    }
    if (this.finished) return;
    if (this.index < 0) this.begin(0);
    this.startedAt = performance.now();
    this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  tick(now) {
    this.frame = 0;
    let step = this.steps[this.index];
    let elapsed = now - this.startedAt;
    while (step && elapsed >= step.duration) {
      elapsed -= step.duration;
      this.end();
      step = this.steps[this.index];
      this.startedAt = now - elapsed;
    }
    if (!step) return;
    this.handlers.progress?.(step, elapsed / step.duration);
    this.frame = requestAnimationFrame((t) => this.tick(t));
  }

  begin(i) {
    this.index = i;
    const step = this.steps[i];
    if (step) this.handlers.begin?.(step);
    else this.handlers.done?.();
  }

  end() {
    const step = this.steps[this.index];
    this.handlers.progress?.(step, 1);
    this.handlers.end?.(step);
    this.begin(this.index + 1);
  }

  // One step by hand: the current one ends, the next one begins and waits.
  next() {
    this.pause();
    if (this.finished) return;
    if (this.index < 0) {
      this.begin(0);
      return;
    }
    this.end();
  }

  finish() {
    this.pause();
    if (this.index < 0 && this.steps.length) this.begin(0);
    while (!this.finished && this.steps.length) this.end();
  }

  pause() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  stop() {
    this.pause();
    this.steps = [];
    this.index = -1;
  }
}
