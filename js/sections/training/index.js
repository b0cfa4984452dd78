// Chapter 6: the training loop, run by the worker one loop-body step at a time (the streaming
// `train` method), drawn from the step records it streams: the loss curve, the learning rate
// (the script's own schedule), the document of the step, its phase timings and the update of a
// few watched parameters as the script's own update lines made it (the record's `update`).
//
// Records arrive as the model store's 'step' changes; they are kept as plain arrays and drawn at
// most once per animation frame, so a fast run costs the page one paint per frame, never one per step.
import { el } from '../../ui/dom.js';
import { renderStatus } from '../../ui/facts.js';
import { codeLink, showLines } from '../../ui/code-link.js';
import { sectionFrame, testSignals } from '../section.js';
import { firstCalls } from './first-calls.js';
import { TrainingControls } from './controls.js';
import { TrainingCurves } from './curves.js';
import { TrainingDoc, ALL_PHASES } from './doc.js';
import { TrainingAdam } from './adam.js';
import { lrShape } from './schedule.js';
import { TrainingJump } from './jump.js';
import { tokenEmbedding, whyMissing } from '../parameters/roles.js';
import { onScreenOnly } from '../../ui/on-screen.js';

export const id = 'training';
export { firstCalls };

export function createSection(root, ctx) {
  const frame = sectionFrame(root, { code: { show: ['adam', 'train'], highlight: ALL_PHASES } });
  const signals = testSignals(frame.live);
  let view = null;
  let info = null;
  let job = null; // the running stream: {promise, cancel, tune}
  let runs; // parallel arrays of the records seen: steps, losses, lrs, docs
  let last = null; // the last record (with data, grad, m, v and the watched parameters' update)
  let over = false; // the loop's iterable is used up: no further step
  let start = null; // the last `params` answer: Adam's view when no step record carries the parameters
  let frameRequest = 0;
  let again = false; // a draw was asked for while one was under way
  let jumping = false; // a checkpoint import is under way: no training meanwhile
  let pausing = false; // the running job was paused (not finished)
  let errorFor = null; // the script whose step raised the error on show
  root.tabIndex = 0;
  root.setAttribute('aria-label', 'Training loop: Enter trains one step');
  // The chapter's key (listed in ui/shortcuts.js), unless a control inside has the key. Space is
  // left to the page (it scrolls): a run is started only by a button, and while one runs the
  // Pause button has focus, so Space there (a button's own key) pauses it.
  root.addEventListener('keydown', (e) => {
    const control = e.target.closest('button, input, select, textarea, summary, a, canvas');
    if (control || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      train(1);
    }
  });
  // A step's redraw waits while the chapter is off screen (it catches up when scrolled to).
  const drawOnScreen = onScreenOnly(root, draw);

  function update(change) {
    if (change.reason === 'load') load(change.info);
    else if (change.reason === 'step') onRecord(change.record);
    else if (!job) fetchStart(); // another call changed the parameters
  }

  function buildView() {
    const controls = new TrainingControls({
      onTrain: (count) => train(count),
      onPause: () => pause(),
      onStop: () => ctx.stop?.(),
      onSpeed: (delayMs) => job?.tune({ delay_ms: delayMs }),
    });
    const curves = new TrainingCurves({ onRewind: ctx.runs && ((step) => ctx.runs.rewind(step)) });
    const doc = new TrainingDoc({ onPhase: (phase, open) => markPhase(phase, open) });
    const adamLink = codeLink(frame.panel, ['train.update']);
    const adam = new TrainingAdam({ codeLinkButton: adamLink.button });
    const jump = new TrainingJump({ checkpoints: ctx.checkpoints, onJump: (step) => jumpTo(step) });
    // An error of a step stays here until the learner trains again or runs another script.
    const error = el('div', { className: 'tr-error', role: 'alert', hidden: true });
    const top = el('div', 'tr-top', [controls.root, jump.root, controls.progress, error]);
    const grid = el('div', 'tr-grid', [curves.loss.root, el('div', 'tr-side', [doc.card.root, curves.lr.root])]);
    frame.live.replaceChildren(top, grid, adam.card.root);
    frame.live.classList.add('tr-scope');
    view = { controls, curves, doc, adam, adamLink, jump, error };
  }

  function load(newInfo) {
    info = newInfo;
    frame.showScript(ctx, info);
    const why = whyMissing(info, ['training', 'params']);
    if (why || !info.hyper?.num_steps || !info.params?.layout?.length) {
      view = null;
      renderStatus(frame.live, why ?? 'The bridge found no training loop to run here.');
      return;
    }
    if (!view) buildView();
    view.adamLink.refresh();
    runs = keptHistory(info) ?? { steps: [], losses: [], lrs: [], docs: [] };
    signals.set('steps', runs.steps.length);
    // A restore after a Stop or a crash redraws with the same script: its error stays up.
    if (errorFor !== ctx.script().source) showError(null);
    last = null;
    over = false;
    start = null;
    view.adam.setScript(info, info.params.layout, null);
    view.curves.setShape(null);
    const mine = info;
    lrShape(ctx.rpc, info).then((shape) => {
      if (mine === info && view) {
        view.curves.setShape(shape);
        draw();
      }
    });
    // The start token's row of the token table is watched first: read which matrix that is.
    ctx.rpc.call('outline', {}).then(
      (outline) => {
        if (mine !== info || !view || last) return;
        view.adam.setScript(info, info.params.layout, tokenEmbedding(outline));
        draw();
      },
      () => {},
    );
    fetchStart();
    view.jump.clearCurrent();
    view.jump.check(ctx.script().source, ctx.dataset?.() ?? null); // only the unedited default script
    draw();
  }

  // A checkpoint CPython computed (training/jump.js): the model, the step count and the curves'
  // steps so far become CPython's; the other chapters follow through the store's 'model' change.
  async function jumpTo(step) {
    if (job || jumping || !view) return;
    jumping = true;
    view.jump.setEnabled(false);
    view.controls.setEnabled(false);
    try {
      const jumped = await view.jump.load(ctx.rpc, step);
      info = jumped.info;
      runs = jumped.runs;
      ctx.store.jumped(jumped.blob, info, runs);
      last = null;
      over = false;
      signals.set('steps', runs.steps.length);
      fetchStart();
    } catch (error) {
      showError({ ...error, message: `could not load the checkpoint: ${error?.message ?? error}` });
    } finally {
      jumping = false;
      view.jump.setEnabled(true);
      draw();
    }
  }

  // The parameters as they are now (before any step, or after a step that did not carry them).
  function fetchStart() {
    ctx.rpc.call('params', {}).then(
      (p) => {
        start = { data: p.data, grad: p.grad, m: p.m, v: p.v };
        draw();
      },
      () => {},
    );
  }

  // The history of the steps that led to the model Python has now, when the page kept it: after a
  // Stop or a reload the model comes back at its last step, and so does its loss curve.
  function keptHistory(newInfo) {
    const kept = ctx.store.state;
    if (!kept || kept.step !== (newInfo.step ?? 0) || !kept.history.steps.length) return null;
    const h = kept.history;
    return { steps: [...h.steps], losses: [...h.losses], lrs: [...h.lrs], docs: [...h.docs], native: h.native };
  }

  // The error a step raised: shown until the learner acts; its traceback is in the console and its
  // line marked in the editor (ctx.reportError). A Stop is not an error.
  function showError(error) {
    if (!view) return;
    errorFor = error ? ctx.script().source : null;
    view.error.hidden = !error;
    view.error.replaceChildren();
    if (!error) return;
    const where = error.line ? ` at line ${error.line}` : '';
    view.error.append(
      el('strong', null, `Step ${stepsDone() + 1} failed: ${error.type ?? 'Error'}: ${error.message ?? error}${where}.`),
      ` The model is as it was after step ${stepsDone()}: the failed step was rolled back, and the next Train tries it again. The traceback is in the console${error.line ? ', and the line is marked in the editor' : ''}.`,
    );
    signals.set('error', error.type ?? 'Error');
  }

  function stepsDone() {
    return runs?.steps.at(-1) ?? info?.step ?? 0;
  }

  function train(count) {
    if (job || jumping || !view) return;
    const numSteps = info.hyper.num_steps;
    let steps = Math.min(count === 'end' ? numSteps : count, numSteps - stepsDone());
    if (steps <= 0) return;
    // A long "To the end" says how long it takes before it starts: with no rate measured on this
    // page yet, it runs one step first, says what the rest would take, and waits for a second
    // press. A short rest (no more than the "10 steps" button runs) just runs.
    const measuring = count === 'end' && steps > 10 && view.controls.estimate(steps) == null;
    if (measuring) steps = 1;
    showError(null);
    signals.set('error', null);
    view.controls.setRunning(true, stepsDone());
    if (count === 'end' && !measuring) view.controls.plan(steps, stepsDone() + steps);
    view.jump.setEnabled(false);
    view.jump.clearCurrent();
    // `watch`: the worker's step spells out the update of these parameters in each record.
    job = ctx.rpc.stream('train', { steps, with_params: true, watch: view.adam.watched(), delay_ms: view.controls.delay() });
    job.promise
      .then((result) => {
        if (!pausing && result?.steps != null && result.steps < steps) over = true;
      })
      .catch((error) => {
        if (error?.type === 'WorkerRestarted') return; // a Stop: the page restores and redraws
        showError(error);
        ctx.reportError?.(error);
      })
      .finally(() => {
        job = null;
        pausing = false;
        view.controls.setRunning(false, stepsDone());
        if (measuring) view.controls.measured(stepsDone(), numSteps - stepsDone());
        view.jump.setEnabled(true);
        view.doc.follow(null, false);
        signals.set('running', false);
        draw();
      });
    signals.set('running', true);
    draw(); // the progress line says how long the run takes before its first step is back
  }

  // The worker stops after the step under way.
  function pause() {
    if (!job) return;
    pausing = true;
    job.cancel();
  }

  function onRecord(record) {
    if (!runs || !record) return;
    last = record;
    runs.steps.push(record.step);
    runs.losses.push(record.loss);
    runs.lrs.push(record.lr_t);
    runs.docs.push(record.doc);
    signals.set('steps', runs.steps.length);
    signals.set('lastLoss', record.loss);
    // A step streamed without its parameters (another caller's `train`): read them instead.
    if (!record.data) fetchStart();
    view?.doc.follow(record, Boolean(job));
    drawOnScreen();
  }

  // All drawing waits for the next frame, so a burst of records costs one paint. The work is
  // spread over two frames, Adam's heatmap and table in the first, the curves, the document and
  // the progress line in the second: each frame lays out half as much (the charts' canvases
  // paint in a frame of their own after that). A record that arrives meanwhile is drawn by a
  // further round (`again`).

  function draw() {
    if (!view) return;
    if (frameRequest) {
      again = true;
      return;
    }
    frameRequest = requestAnimationFrame(() => {
      if (view) measured(drawAdam);
      frameRequest = requestAnimationFrame(() => {
        frameRequest = 0;
        if (view) measured(drawProgress);
        if (again) {
          again = false;
          draw();
        }
      });
    });
  }

  // What this chapter costs the page per frame, for tests and the curious (Performance panel).
  function measured(part) {
    const t0 = performance.now();
    part();
    performance.measure('training-draw', { start: t0, end: performance.now() });
  }

  function drawAdam() {
    if (last?.data) view.adam.show(last);
    else if (start) view.adam.show({ ...start, step: last?.step ?? stepsDone(), lr_t: last?.lr_t ?? runs?.lrs.at(-1) ?? null });
  }

  function drawProgress() {
    const numSteps = info.hyper.num_steps;
    view.curves.show(runs, { numSteps, vocabSize: info.vocab?.size });
    const ended = !job && (over || stepsDone() >= numSteps);
    view.doc.show(last, { ...info, step: stepsDone() }, ended);
    view.controls.showProgress(stepsDone(), numSteps, Boolean(job), over);
    if (!job) {
      view.controls.setEnabled(!over && stepsDone() < numSteps);
      view.controls.showEstimate(over ? 0 : numSteps - stepsDone());
    }
  }

  // A phase of the loop body in the code panel: `open` (a click) opens the panel on it; the
  // replay of a running step only moves the marks. No phase: the whole body is marked.
  function markPhase(phase, open) {
    const marked = phase ? [phase] : ALL_PHASES;
    if (open) showLines(frame.panel, marked);
    else frame.panel.highlight(marked);
  }

  return { update, dispose: () => cancelAnimationFrame(frameRequest) };
}
