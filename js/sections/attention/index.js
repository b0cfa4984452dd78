// Chapter 5, attention up close. For a short word, the bridge's `attention` method runs the
// model position by position and copies each head's locals out of the frame of the function the
// attention is in (the answer's `func`), by role: query, keys, values, scores, weights, out, with
// the script's own names for them in `names` and their lines in `lines`. This section draws them:
// every head of a layer as a small heatmap, arrows for the picked head, one score taken apart,
// and a change of the picked head (or of every head) made by the bridge inside the running script
// (its `scale`, `onehot` and `zero` interventions: attention/scale.js) to show the effect on the
// head's output and, in the bridge's numbers, on every next-token probability (attention/effect.js).
//
// Data changed = any change the model store announces (a script (re)loaded, a training step,
// another call that changed the parameters), or a new word: the words' attention is fetched again
// (latest request wins; bursts of steps are coalesced). View changed = another layer, head or
// cell: redrawn from the answer already here.
import { el } from '../../ui/dom.js';
import { renderStatus } from '../../ui/facts.js';
import { liveCard } from '../../ui/live-card.js';
import { codeLink } from '../../ui/code-link.js';
import { sectionFrame, testSignals } from '../section.js';
import { DEFAULT_WORD, firstCalls } from './first-calls.js';
import { HeadGrid } from './heads.js';
import { ArrowView } from './arrows.js';
import { renderBreakdown } from './breakdown.js';
import { ScaleControl } from './scale.js';
import { onScreenOnly } from '../../ui/on-screen.js';
import { tokenLabel } from '../../ui/vocab.js';
import { asSentence } from '../parameters/roles.js';

const REFRESH_DELAY_MS = 300; // training steps arrive in bursts: one refetch per burst
// While training: at most one refetch every 2 s. Each one runs the model over the word on the
// worker (~140 ms with new weights), between two steps: once a second it took ~13 % of training's
// time while this chapter was on screen, every 2 s it takes ~7 %.
const LIVE_REFRESH_MS = 2000;

export const id = 'attention';
export { firstCalls };

export function createSection(root, ctx) {
  const frame = sectionFrame(root, { code: { show: ['model'], highlight: [] } });
  frame.live.classList.add('at-scope');
  const signals = testSignals(frame.live);
  const refreshOnScreen = onScreenOnly(root, scheduleRefresh, { every: LIVE_REFRESH_MS });
  let info = null;
  let data = null; // the last `attention` answer without intervention
  let picked = { layer: 0, head: 0, query: 0, key: 0 };
  let word = DEFAULT_WORD;
  let view = null;
  let refreshTimer = null;
  const lineRanges = []; // [line, line] pairs of the scores, weights and out lines (from the bridge)

  function update(change) {
    if (change.reason === 'load') load(change.info);
    else refreshOnScreen(); // trained, or changed by another call
  }

  function load(newInfo) {
    info = newInfo;
    data = null; // another script: the pick starts over
    picked = { layer: 0, head: 0, query: 0, key: 0 };
    frame.panel.show = ['model'];
    frame.showScript(ctx, info);
    buildView();
    view.link.refresh();
    fetchBase();
  }

  function buildView() {
    if (view) return;
    const input = el('input', {
      type: 'text',
      className: 'at-word',
      value: word,
      maxlength: 12,
      spellcheck: 'false',
      'aria-label': 'word to look at',
    });
    const go = el('button', { type: 'button' }, 'Show');
    const message = el('p', { className: 'at-message', role: 'status' }, '');
    const submit = () => {
      word = input.value;
      fetchBase();
    };
    go.addEventListener('click', submit);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') submit();
    });
    const layers = el('div', { className: 'at-layers', role: 'group', 'aria-label': 'layer' });
    const link = codeLink(frame.panel, lineRanges);
    const controls = el('div', 'at-controls', [el('label', 'at-word-label', ['Word ', input]), go, message, layers]);

    const headsCard = liveCard({
      title: "Every head's attention weights",
      term: 'attention-head',
      action: link.button,
      className: 'at-heads-card',
    });
    const arrowsCard = liveCard({ title: 'Where each query looks', className: 'at-arrows-card' });
    const dotCard = liveCard({ title: 'One score, step by step', className: 'at-dot-card' });
    const scaleCard = liveCard({ title: 'Change the picked head, watch the prediction', className: 'at-scale-card' });
    scaleCard.body.append(
      el(
        'p',
        'live-card-note',
        "Each change is made inside the running script, on the picked head's own numbers, and the script runs on to its prediction: scale the scores before its next line turns them into weights (0 makes every score equal, larger values push the weight onto the top key), put all the weight on one key, or set the weights to 0 so the head adds nothing. The numbers below say how much the prediction moved.",
      ),
    );

    view = {
      input,
      message,
      layers,
      link,
      grid: new HeadGrid(headsCard.body, { onPick: (p) => pick(p) }),
      arrows: new ArrowView(arrowsCard.body),
      dot: dotCard.body,
      scale: new ScaleControl(scaleCard.body, { onChange: () => fetchScaled() }),
      cards: [headsCard.root, arrowsCard.root, dotCard.root, scaleCard.root],
    };
    frame.live.replaceChildren(controls, ...view.cards);
    showCards(false);
  }

  function showCards(on) {
    for (const card of view.cards) card.hidden = !on; // no empty panels before the first answer
  }

  function scheduleRefresh() {
    if (!view || refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      fetchBase();
    }, REFRESH_DELAY_MS);
  }

  function fetchBase() {
    if (!view) return;
    ctx.rpc.latest('attention:base', 'attention', { word }).then(applyBase, (error) => {
      showWordError(word, error);
      if (!data) renderStatus(view.dot, 'No word to show yet.', true);
    });
  }

  // The script's own tokenizing line fails on a character it does not know: say which, as the
  // loop's tokenizing lines run one character at a time (the bridge's `tokenize`) report it.
  async function showWordError(sent, error) {
    const say = (text) => {
      view.message.textContent = text;
      view.message.classList.add('is-error');
    };
    if (error?.phase === 'bridge') {
      say(asSentence(error.message));
      return;
    }
    const where = error?.line ? ` (line ${error.line})` : '';
    say(`The script could not read this word${where}: ${error?.type ? `${error.type}: ` : ''}${error?.message ?? error}.`);
    const chars = await ctx.rpc.call('tokenize', { text: sent }).then(
      (r) => r.chars ?? [],
      () => [],
    );
    const unknown = [...new Set(chars.filter((c) => c.id == null).map((c) => c.ch))];
    if (sent !== word || !unknown.length) return;
    say(
      `The script's tokenizing line${where} has no token for ${unknown.map((c) => `“${c}”`).join(', ')} ` +
        `(${error?.type ? `${error.type}: ` : ''}${error?.message ?? error}). Try characters of its data set.`,
    );
  }

  function applyBase(answer) {
    const newWord = answer.word !== data?.word;
    data = answer;
    signals.count('refreshes');
    view.message.textContent = '';
    view.message.classList.remove('is-error');
    lineRanges.splice(
      0,
      lineRanges.length,
      ...['scores', 'weights', 'out']
        .map((v) => answer.lines?.[v])
        .filter(Boolean)
        .map((n) => [n, n]),
    );
    // The function the attention is in (a class model's Attention.__call__), else the model's.
    const shown = info?.phases?.[answer.func] ? [answer.func] : ['model'];
    if (String(frame.panel.show) !== String(shown)) frame.panel.show = shown;
    frame.panel.highlight(lineRanges);
    view.link.refresh();
    const positions = answer.base.heads[0][0].length;
    const layer = Math.min(picked.layer, answer.n_layer - 1);
    const head = Math.min(picked.head, answer.n_head - 1);
    // A new word starts on its last query and the key it weighs most; a refresh keeps the pick.
    const query = newWord || picked.query >= positions ? positions - 1 : picked.query;
    const key = newWord ? topKey(answer.base.heads[layer][head][query].weights) : Math.min(picked.key, query);
    picked = { layer, head, query, key };
    renderLayers();
    showCards(true);
    render();
    fetchScaled();
  }

  function topKey(weights) {
    return weights.reduce((best, w, t) => (w > weights[best] ? t : best), 0);
  }

  function renderLayers() {
    const n = data.n_layer;
    view.layers.hidden = n < 2;
    view.layers.replaceChildren(
      ...Array.from({ length: n }, (_, l) => {
        const b = el('button', { type: 'button', 'aria-pressed': String(l === picked.layer), dataset: { layer: String(l) } }, `layer ${l}`);
        b.addEventListener('click', () => pick({ layer: l }));
        return b;
      }),
    );
  }

  // View changed: another layer, head or cell.
  function pick(change) {
    const before = { ...picked };
    Object.assign(picked, change);
    for (const b of view.layers.children) b.setAttribute('aria-pressed', String(Number(b.dataset.layer) === picked.layer));
    render();
    const keyMatters = view.scale.kind === 'hard' && before.key !== picked.key;
    if (keyMatters || before.layer !== picked.layer || before.head !== picked.head || before.query !== picked.query) fetchScaled();
  }

  // The script's label for the token at each position of the word (the answer's `labels`).
  function labels() {
    return data.labels.map((label) => (label === ' ' ? '␣' : label));
  }

  function render() {
    const { layer, head, query, key } = picked;
    const heads = data.base.heads[layer];
    view.grid.show(heads, labels(), picked);
    view.arrows.show(heads[head], labels(), query, `${data.n_layer > 1 ? `layer ${layer}, ` : ''}head ${head}`);
    renderBreakdown(view.dot, {
      rec: heads[head][query],
      query,
      key,
      labels: labels(),
      head,
      layer,
      nLayer: data.n_layer,
      names: data.names,
      func: data.func,
    });
  }

  // A label for every token of the vocabulary (the probability bars), from info.vocab.
  function vocabLabels() {
    const vocab = info?.vocab;
    return vocab ? Array.from({ length: vocab.size }, (_, token) => tokenLabel(vocab, token)) : [];
  }

  function fetchScaled() {
    if (!data) return;
    const { layer, head, query, key } = picked;
    const intervention = view.scale.intervention(picked);
    const what = view.scale.describe({ layer, head, key: Math.min(key, query), nLayer: data.n_layer, labels: labels() });
    const every = view.scale.every;
    const show = (answer) => {
      if (answer.word !== data.word) return; // a newer word arrived meanwhile: its own fetch follows
      signals.count('scaled');
      signals.set('amount', view.scale.amount);
      signals.set('change', intervention ? `${intervention.kind}${every ? ':every' : ''}` : 'none');
      const changed = answer.intervened ?? answer.base;
      view.scale.show({
        baseRec: data.base.heads[layer][head][query],
        newRec: changed.heads[layer][head][query],
        baseProbs: data.base.probs[query],
        newProbs: changed.probs[query],
        labels: labels(),
        vocabLabels: vocabLabels(),
        target: data.tokens[query + 1],
        query,
        key,
        names: data.names,
        effect: answer.intervened?.effect?.[query] ?? null,
        what,
        every,
      });
    };
    if (!intervention) {
      show(data);
      return;
    } // × 1 is the script unchanged: nothing to ask
    view.scale.busy('Running the script with the change…');
    ctx.rpc.latest('attention:scale', 'attention', { word: data.word, intervention }).then(show, (error) => {
      view.scale.busy(`Could not run with the change: ${error?.message ?? error}`);
    });
  }

  return { update, dispose: () => clearTimeout(refreshTimer) };
}
