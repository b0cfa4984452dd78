// Chapter 6's curves: the loss per step (with a moving average and the uniform-guess line) and
// the learning rate per step over the schedule's shape. Every point is a step record's number.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { LineChart } from '../ui/line-chart.js';
import { showTooltip, hideTooltip } from '../ui/tooltip.js';
import { shortNumber } from '../ui/short-number.js';

const AVERAGE_OVER = 20; // steps in the moving average: one name's loss is noisy

export class TrainingCurves {
  constructor() {
    this.loss = liveCard({
      title: 'Loss per step',
      term: 'loss',
      className: 'tr-loss-card',
    });
    const lossBox = el('div', 'tr-chart-box');
    this.lossChart = new LineChart(lossBox, { height: 230, label: 'Loss per training step', onHover: (h) => this.hoverLoss(h) });
    this.legend = el('p', 'tr-legend');
    this.loss.body.append(lossBox, this.legend);

    this.lr = liveCard({
      title: 'Learning rate',
      term: 'learning-rate',
      className: 'tr-lr-card',
    });
    const lrBox = el('div', 'tr-chart-box');
    this.lrChart = new LineChart(lrBox, { height: 130, label: 'Learning rate per step', onHover: (h) => this.hoverLr(h) });
    this.lrNote = el('p', 'live-card-note');
    this.lr.body.append(lrBox, this.lrNote);
    this.shape = null;
    this.legendFor = null;
  }

  // The schedule's shape: the script's own lr_t expression evaluated by Python for every step.
  setShape(shape) {
    this.shape = shape;
  }

  // Data changed: the step records so far (parallel arrays). The first `native` of them came
  // with a checkpoint (CPython ran them, training-jump.js): drawn in a shade of their own.
  show({ steps, losses, lrs, docs, native = 0 }, { numSteps, vocabSize }) {
    this.runs = { steps, losses, docs, lrs, native };
    const uniform = Math.log(vocabSize);
    const average = movingAverage(losses, AVERAGE_OVER);
    const xMax = Math.max(10, steps.at(-1) ?? 0);
    // The first series is every step (the hover reads it); with a checkpoint's steps it is drawn
    // in two parts over it, CPython's and the page's, each in its own shade.
    const page = native ? [
      { xs: steps.slice(0, native), ys: losses.slice(0, native), color: '--text-faint', width: 1, alpha: 0.6 },
      { xs: steps.slice(native), ys: losses.slice(native), color: '--flow-loss', width: 1, alpha: 0.55, dots: steps.length - native <= 30 },
    ] : [];
    this.lossChart.setSeries([
      { xs: steps, ys: losses, color: '--flow-loss', width: 1, alpha: native ? 0 : 0.55, dots: !native && steps.length <= 30 },
      ...page,
      { xs: steps, ys: average, color: '--text', width: 2 },
    ], { xMin: 0, xMax, yMin: 0, yMax: Math.max(uniform * 1.1, ...losses), lines: [{ y: uniform, color: '--text-dim', label: `uniform guess ln(${vocabSize}) = ${uniform.toFixed(2)}` }] });
    if (this.legendFor !== native) this.showLegend(native); // rebuilt only when it reads differently
    const shape = this.shape ? [{ xs: this.shape.xs, ys: this.shape.ys, color: '--text-faint', width: 1, dash: [4, 3] }] : [];
    this.lrChart.setSeries([{ xs: steps, ys: lrs, color: '--accent', width: 2, marker: true }, ...shape], { xMin: 0, xMax: numSteps, yMin: 0 });
    const last = lrs.at(-1);
    this.lrNote.textContent = last == null
      ? 'Dashed: the script\'s lr_t line evaluated for every step of range(num_steps). Solid: lr_t of the steps run.'
      : `lr_t of the last step: ${shortNumber(last, 4)}. Dashed: the script's lr_t line for every step; solid: the steps run.`;
  }

  showLegend(native) {
    this.legendFor = native;
    this.legend.replaceChildren(
      ...(native ? [el('span', 'tr-key tr-key-native', `steps 1–${native}: computed in CPython (the checkpoint)`)] : []),
      el('span', 'tr-key tr-key-loss', native ? 'loss of each step run here' : 'loss of each step'),
      el('span', 'tr-key tr-key-avg', `moving average of the last ${AVERAGE_OVER}`),
      el('span', 'tr-key tr-key-base', 'a model that guesses every token equally'),
    );
  }

  hoverLoss(hit) {
    if (!hit) { hideTooltip(); return; }
    const i = hit.index;
    const where = i < this.runs.native ? ['computed in CPython (checkpoint)'] : [];
    showTooltip([`step ${this.runs.steps[i]}`, `loss ${this.runs.losses[i].toFixed(4)}`, `document "${this.runs.docs[i] ?? ''}"`, ...where], hit.clientX, hit.clientY);
  }

  hoverLr(hit) {
    if (!hit) { hideTooltip(); return; }
    showTooltip([`step ${hit.x}`, `lr_t ${shortNumber(hit.y, 5)}`], hit.clientX, hit.clientY);
  }
}

function movingAverage(values, window) {
  const out = new Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}
