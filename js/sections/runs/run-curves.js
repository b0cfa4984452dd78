// The picked runs' loss curves on one chart: each step's loss faint, its moving average bold, in
// the run's colour, over the same uniform-guess line ln(vocab_size) as chapter 6's curve. The
// hover reads every picked run's loss at that step.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { LineChart } from '../../ui/line-chart.js';
import { showTooltip, hideTooltip } from '../../ui/tooltip.js';
import { movingAverage, AVERAGE_OVER } from '../training/curves.js';

export class RunCurves {
  constructor() {
    this.card = liveCard({ title: 'Loss per step, run by run', term: 'loss', className: 'rn-curves-card' });
    const box = el('div', 'rn-chart-box');
    this.chart = new LineChart(box, { height: 260, label: 'Loss per training step of the compared runs', onHover: (h) => this.hover(h) });
    this.legend = el('p', 'rn-legend');
    this.card.body.append(box, this.legend);
    this.shown = [];
  }

  get root() {
    return this.card.root;
  }

  // runs: [{run, slot}] in the order picked; vocabSize: the page's script's (null: no line).
  show(runs, { vocabSize }) {
    this.shown = runs;
    const uniform = vocabSize ? Math.log(vocabSize) : null;
    const colour = (slot) => `--run-${slot + 1}`;
    // The longest run first: the hover snaps to the first series' steps.
    const longestFirst = [...runs].sort((a, b) => b.run.history.steps.length - a.run.history.steps.length);
    const faint = longestFirst.map(({ run, slot }) => ({
      xs: run.history.steps,
      ys: run.history.losses,
      color: colour(slot),
      width: 1,
      alpha: 0.35,
    }));
    const bold = runs.map(({ run, slot }) => ({
      xs: run.history.steps,
      ys: movingAverage(run.history.losses, AVERAGE_OVER),
      color: colour(slot),
      width: 2.5,
      name: run.label,
    }));
    const losses = runs.flatMap(({ run }) => run.history.losses);
    this.chart.setSeries([...faint, ...bold], {
      xMin: 0,
      xMax: Math.max(10, ...runs.map(({ run }) => run.history.steps.at(-1) ?? 0)),
      yMin: 0,
      yMax: Math.max((uniform ?? 0) * 1.1, ...losses, 1e-9),
      lines: uniform == null ? [] : [{ y: uniform, color: '--text-dim', label: `uniform guess ln(${vocabSize}) = ${uniform.toFixed(2)}` }],
    });
    this.legend.replaceChildren(
      ...runs.map(({ run, slot }) => el('span', { className: 'rn-key', dataset: { slot: String(slot + 1) } }, run.label)),
      el('span', 'rn-key rn-key-note', `faint: each step's loss; bold: the moving average of the last ${AVERAGE_OVER}`),
    );
  }

  hover(hit) {
    if (!hit) {
      hideTooltip();
      return;
    }
    const lines = this.shown.map(({ run }) => {
      const i = run.history.steps.indexOf(hit.x);
      return `${run.label}: ${i < 0 ? 'no such step' : run.history.losses[i].toFixed(4)}`;
    });
    showTooltip([`step ${hit.x}`, ...lines], hit.clientX, hit.clientY);
  }
}
