// Chapter 2: the script's autograd class and its backward. A small expression built with the
// script's own class, drawn as a graph you can change and run backward on; then the real graph
// behind one training step; and the class itself, its lines highlighted to follow what is shown.
// The class is whatever the bridge found playing the role (info.roles.autograd), by any name.
import { CodePanel } from '../../ui/code-panel.js';
import { el } from '../../ui/dom.js';
import { AutogradToy } from './toy.js';
import { LossGraphPanel } from './lossgraph.js';
import { whyMissing } from '../parameters/roles.js';
import { firstCalls } from './first-calls.js';

export const id = 'autograd';
export { firstCalls };

export function createSection(root, ctx) {
  const live = el('div', 'live-body ag-live');
  root.append(live);
  let panel = null;
  const toy = new AutogradToy(live, {
    rpc: ctx.rpc,
    onCode: (phases) => panel?.highlight(phases),
  });
  // The class sits with the playground it explains, before the bigger graph.
  panel = new CodePanel(toy.root.querySelector('.live-card-body'), { show: ['autograd'], highlight: ['autograd.backward'] });
  const lossGraph = new LossGraphPanel(live, { rpc: ctx.rpc });

  function update(change) {
    // Trained or otherwise changed: the loss graph on show was built from the model as it was.
    if (change.reason !== 'load') {
      lossGraph.modelChanged(change.step);
      return;
    }
    const { info } = change;
    panel.setScript(ctx.script().source, info.phases);
    lossGraph.reset(info);
    toy.setScript(info);
    if (!info.roles?.autograd) {
      const why = whyMissing(info, ['autograd', 'training']) ?? 'The bridge found no autograd class in this script.';
      toy.showError({ message: `${why} There is no graph to build here.` });
      return;
    }
    toy.build(toy.request);
  }

  return { update, dispose() {} };
}
