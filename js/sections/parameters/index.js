// Chapter 3: the model's weight matrices, as the bridge lays out the script's parameters
// (info.params.layout: names, shapes, offsets into the flat list): a schematic of every matrix
// to scale, the hovered one as a heatmap of its live values, a zoom with every cell's value (and
// grad and the optimizer's moments once trained), and the parameter count by component. What
// each matrix is for comes from the statements of the model that use it (the bridge's
// `outline`, parameters/roles.js), never from its name.
//
// The values follow training. The section refetches `params` (one request in flight, the
// newest waiting one wins) on every change the model store announces: a script (re)loaded, a
// training step, any other call that changed the parameters (a direct `step`, a checkpoint import).
import { el } from '../../ui/dom.js';
import { renderStatus } from '../../ui/facts.js';
import { liveCard } from '../../ui/live-card.js';
import { codeLink } from '../../ui/code-link.js';
import { sectionFrame, testSignals } from '../section.js';
import { firstCalls } from './first-calls.js';
import { describeMatrices } from './matrices.js';
import { whyMissing } from './roles.js';
import { Schematic } from './schematic.js';
import { Inspector } from './inspector.js';
import { MatrixZoom } from './zoom.js';
import { renderCount } from './count.js';
import { onScreenOnly } from '../../ui/on-screen.js';

// While training streams steps, the heatmaps follow the live weights about once a second: each
// refresh reads every parameter from the worker between two steps.
const LIVE_REFRESH_MS = 1000;

export const id = 'parameters';
export { firstCalls };

export function createSection(root, ctx) {
  const frame = sectionFrame(root, { code: { show: ['hyper', 'params'], highlight: ['hyper', 'params'] } });
  frame.live.classList.add('pm-scope');
  const signals = testSignals(frame.live);
  const links = { matrices: codeLink(frame.panel, ['params']), count: codeLink(frame.panel, ['params']) };
  const refreshOnScreen = onScreenOnly(root, refresh, { every: LIVE_REFRESH_MS });
  let view = null; // {schematic, inspector, zoom, count}: built on the first update
  let info = null;
  let matrices = [];
  let outline = null; // the bridge's `outline` for this script, or null
  let rolesNote = ''; // why the roles could not be read, when they could not
  let state = null; // the last `params` answer: {data, grad, m, v, trained, gradsCleared}
  let shown = null; // the matrix in the inspector

  function update(change) {
    if (change.reason === 'load') load(change.info);
    else refreshOnScreen(); // trained, or changed by another call
  }

  async function load(newInfo) {
    info = newInfo;
    frame.showScript(ctx, info);
    for (const link of Object.values(links)) link.refresh();
    if (!info.params?.layout?.length) {
      view = null;
      renderStatus(frame.live, whyMissing(info, ['params', 'training']) ?? 'The bridge found no weight matrices in this script.');
      return;
    }
    const mine = info;
    let answer = null;
    let note = '';
    try {
      answer = await ctx.rpc.call('outline', {});
    } catch (error) {
      note = `What each matrix is for is read from the model's statements, and the bridge could not read them: ${error?.message ?? error}`;
    }
    if (mine !== info) return; // a newer script arrived meanwhile
    outline = answer;
    rolesNote = note;
    buildView();
    setMatrices(describeMatrices(info.params.layout, outline, info));
    refresh();
  }

  function buildView() {
    if (view) return;
    const open = (m, trigger) => openZoom(m, trigger);
    const matricesCard = liveCard({
      title: 'Every weight matrix, to scale',
      term: 'parameter',
      action: links.matrices.button,
      className: 'pm-matrices',
    });
    const countCard = liveCard({ title: 'How many parameters', action: links.count.button, className: 'pm-count-card' });
    view = {
      schematic: new Schematic(matricesCard.body, { onShow: (m) => showMatrix(m), onOpen: open }),
      inspector: new Inspector(matricesCard.body, { onOpen: open }),
      zoom: new MatrixZoom(),
      count: countCard.body,
      rolesNote: el('p', { className: 'pm-roles-note', hidden: true }),
    };
    matricesCard.body.append(view.rolesNote);
    frame.live.replaceChildren(matricesCard.root, countCard.root);
  }

  function setMatrices(list) {
    matrices = list;
    state = null;
    view.zoom.close();
    view.schematic.setMatrices(matrices);
    view.rolesNote.textContent = rolesNote;
    view.rolesNote.hidden = !rolesNote;
    renderCount(view.count, matrices, info.params.count);
    shown = matrices.find((m) => m.name === shown?.name) ?? matrices[0];
    view.schematic.select(shown.name);
    view.inspector.root.hidden = true; // until its values arrive: no empty heatmap
  }

  function refresh() {
    if (!view) return;
    ctx.rpc.latest('parameters:params', 'params', {}).then(applyParams, (error) => {
      renderStatus(view.count, `Could not read the parameters: ${error?.message ?? error}`, true);
    });
  }

  function applyParams(result) {
    if (!view) return;
    const layout = result.layout ?? [];
    const sameShapes =
      layout.length === matrices.length &&
      layout.every((m, i) => m.name === matrices[i].name && m.rows === matrices[i].rows && m.cols === matrices[i].cols);
    if (!sameShapes) return; // a script loaded meanwhile: its update() draws it
    const anyNonZero = (arr) => arr.some((x) => x !== 0);
    const gradsNonZero = anyNonZero(result.grad);
    const trained = ctx.store.step > 0 || gradsNonZero || anyNonZero(result.m) || anyNonZero(result.v);
    state = {
      data: result.data,
      grad: result.grad,
      m: result.m,
      v: result.v,
      trained,
      gradsCleared: trained && !gradsNonZero,
      moments: result.moments ?? info.roles?.moments ?? [],
    };
    signals.count('refreshes');
    view.inspector.root.hidden = false;
    showMatrix(shown);
    if (view.zoom.isOpen) view.zoom.refresh(state);
  }

  function showMatrix(m) {
    shown = m;
    view.schematic.select(m.name);
    if (state) view.inspector.show(m, state.data.subarray(m.offset, m.offset + m.size));
  }

  function openZoom(m, trigger) {
    if (!state) return;
    showMatrix(m);
    view.zoom.open(m, state, trigger);
  }

  return { update, dispose() {} };
}
