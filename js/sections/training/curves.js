// Chapter 6's curves: the loss per step (with a moving average and the uniform-guess line) and
// the learning rate per step over the schedule's shape. Every point is a step record's number.
// A click on the loss curve (or a typed step) rewinds the run to that step (rewind.js).
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { LineChart } from '../../ui/line-chart.js';
import { showTooltip, hideTooltip } from '../../ui/tooltip.js';
import { shortNumber } from '../../ui/short-number.js';
import { RewindForm } from './rewind.js';

export const AVERAGE_OVER = 20; // steps in the moving average: one name's loss is noisy

export class TrainingCurves {
  /** @param {{onRewind?: (step: number) => Promise<any>}} [options] without onRewind: no rewinding */
  constructor({ onRewind } = {}) {
    this.loss = liveCard({
      title: 'Loss per step',
      term: 'loss',
      className: 'tr-loss-card',
    });
    const lossBox = el('div', 'tr-chart-box');
    this.rewind = onRewind ? new RewindForm({ onRewind }) : null;
    this.lossChart = new LineChart(lossBox, {
      height: 230,
      label: 'Loss per training step',
      onHover: (h) => this.hoverLoss(h),
      onPick: this.rewind && ((h) => this.rewind.rewind(h.x)),
    });
    this.legend = el('p', 'tr-legend');
    this.loss.body.append(lossBox, this.legend, ...(this.rewind ? [this.rewind.root] : []));

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

  // The schedule's shape (training/schedule.js): the script's own statement run by Python for
  // the loop's steps, or {missing} when the script has none. null: not known yet.
  setShape(shape) {
    this.shape = shape;
    this.lr.root.dataset.schedule = shape == null ? 'pending' : shape.missing ? 'missing' : 'script';
  }

  // Data changed: the step records so far (parallel arrays). The first `native` of them came
  // with a checkpoint (CPython ran them, training/jump.js): drawn in a shade of their own.
  show({ steps, losses, lrs, docs, native = 0 }, { numSteps, vocabSize }) {
    this.runs = { steps, losses, docs, lrs, native };
    this.rewind?.setLast(steps.at(-1) ?? 0);
    const uniform = vocabSize ? Math.log(vocabSize) : null;
    const average = movingAverage(losses, AVERAGE_OVER);
    const xMax = Math.max(10, steps.at(-1) ?? 0);
    // The first series is every step (the hover reads it); with a checkpoint's steps it is drawn
    // in two parts over it, CPython's and the page's, each in its own shade.
    const page = native
      ? [
          { xs: steps.slice(0, native), ys: losses.slice(0, native), color: '--text-faint', width: 1, alpha: 0.6 },
          {
            xs: steps.slice(native),
            ys: losses.slice(native),
            color: '--flow-loss',
            width: 1,
            alpha: 0.55,
            dots: steps.length - native <= 30,
          },
        ]
      : [];
    this.lossChart.setSeries(
      [
        { xs: steps, ys: losses, color: '--flow-loss', width: 1, alpha: native ? 0 : 0.55, dots: !native && steps.length <= 30 },
        ...page,
        { xs: steps, ys: average, color: '--text', width: 2 },
      ],
      {
        xMin: 0,
        xMax,
        yMin: 0,
        yMax: Math.max((uniform ?? 0) * 1.1, ...losses, 1e-9),
        lines:
          uniform == null ? [] : [{ y: uniform, color: '--text-dim', label: `uniform guess ln(${vocabSize}) = ${uniform.toFixed(2)}` }],
      },
    );
    if (this.legendFor !== native) this.showLegend(native); // rebuilt only when it reads differently
    const shape = this.shape?.xs ? [{ xs: this.shape.xs, ys: this.shape.ys, color: '--text-faint', width: 1, dash: [4, 3] }] : [];
    const ran = lrs.some((x) => x != null) ? [{ xs: steps, ys: lrs, color: '--accent', width: 2, marker: true }] : [];
    this.lrChart.setSeries([...ran, ...shape], { xMin: 0, xMax: numSteps, yMin: 0 });
    this.lrNote.textContent = this.lrText(lrs.at(-1));
  }

  // The schedule's own words: its variable and line, or why there is none.
  lrText(last) {
    const shape = this.shape;
    if (shape?.missing) return shape.missing;
    if (!shape) return 'Reading the schedule from the script…';
    const name = shape.var ?? 'the rate';
    const where = shape.lines ? ` (line ${shape.lines[0]}${shape.lines[1] !== shape.lines[0] ? `–${shape.lines[1]}` : ''})` : '';
    const dashed = `Dashed: the script's statement for ${name}${where}, run by Python for every step of the loop`;
    return last == null
      ? `${dashed}. Solid: ${name} of the steps run.`
      : `${name} of the last step: ${shortNumber(last, 4)}. ${dashed}; solid: the steps run.`;
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
    if (!hit) {
      hideTooltip();
      return;
    }
    const i = hit.index;
    const where = i < this.runs.native ? ['computed in CPython (checkpoint)'] : [];
    const doc = this.runs.docs[i];
    showTooltip(
      [
        `step ${this.runs.steps[i]}`,
        `loss ${this.runs.losses[i].toFixed(4)}`,
        ...(doc == null ? [] : [`document "${doc}"`]),
        ...where,
        ...(this.rewind ? ['click: rewind to this step'] : []),
      ],
      hit.clientX,
      hit.clientY,
    );
  }

  hoverLr(hit) {
    if (!hit) {
      hideTooltip();
      return;
    }
    showTooltip([`step ${hit.x}`, `${this.shape?.var ?? 'learning rate'} ${shortNumber(hit.y, 5)}`], hit.clientX, hit.clientY);
  }
}

// The mean of each value and the window - 1 before it (fewer at the start).
export function movingAverage(values, window) {
  const out = new Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}
