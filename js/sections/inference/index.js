// Chapter 7: inference. The bridge's `sample` runs the script's own sampling loop, one sample
// per call and one position at a time, and returns the distribution each token was drawn
// from. This module holds the state (temperature, which draw, which model) and wires the parts:
// the typed-out sample with its distributions, and twenty samples as the script prints them.
// A script with no sampling loop gets the bridge's sentence of what it looked for instead.
//
// Draws are seeded so that a temperature change redraws with the same random numbers (the
// difference you see is the temperature's alone) and the script's own random stream is left
// untouched. Draw d uses seed d * SEED_STRIDE for the live sample and d * SEED_STRIDE + 1 + i
// for the i-th line of the batch. The temperature is the script's own (info.hyper.temperature),
// null when its loop divides its scores by none: then every draw leaves it as the script has it.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { codeLink, showLines } from '../../ui/code-link.js';
import { sectionFrame, disposer } from '../section.js';
import { SEED_STRIDE, scriptTemperature, firstCalls } from './first-calls.js';
import { SampleGenerator } from './generate.js';
import { SampleBatch } from './batch.js';
import { ModelNote } from './model.js';
import { EVENT } from '../../protocol.js';

const CODE = { show: ['inference'], highlight: ['sample.position'] };
const BATCH_SIZE = 20;
const NOTE_DELAY_MS = 250; // training can step many times a second: redraw the note at most this often

export const id = 'inference';
export { firstCalls };

export function createSection(root, ctx) {
  const frame = sectionFrame(root, { code: CODE });
  const { store } = ctx;
  const ends = disposer();
  let vocab = null; // info.vocab
  let temperature = null; // the slider's value; null: the script's sampling divides by no temperature
  let temperatureName = 'temperature'; // the script's own expression for it (`temperature`, `args.temperature`)
  let draw = 1;
  // Which model an answer is from: the store's version when it arrives (the worker posts a
  // change before the answers it computes afterwards), so a batch line arriving after a change
  // is a newer model's.
  let shown = null; // the live sample on screen: {version, step}
  let generation = 0; // answers for a replaced script or an older draw are dropped
  let batchRun = 0;
  let batchTimer = null;
  let noteTimer = null;
  let capture = null; // the batch line being drawn: what the script prints meanwhile
  let canSample = false; // the script has a sampling loop (and a vocabulary to read it by)
  const links = {
    position: codeLink(frame.panel, ['sample.position']),
    sample: codeLink(frame.panel, ['sample']),
    inference: codeLink(frame.panel, ['inference']),
  };
  const parts = {
    note: new ModelNote(),
    generator: new SampleGenerator({
      action: links.position.button,
      temperatureLink: links.inference.button,
      onTemperature(value) {
        temperature = value;
        sampleNow();
      },
      onAgain() {
        draw += 1;
        sampleNow();
      },
      onPick: () => showLines(frame.panel, ['sample.position']),
    }),
    batch: new SampleBatch({ action: links.sample.button }),
    missing: liveCard({ title: 'Sampling', term: 'sampling', className: 'inf-missing' }),
  };
  parts.generator.body.prepend(parts.note.root);
  // The script's own print for a batch line arrives (as stdout) before that call's answer.
  ends.add(
    ctx.rpc.on(EVENT.STDOUT, ({ text, phase }) => {
      if (capture && phase === 'sample') capture.push(text);
    }),
  );
  ends.add(() => {
    clearTimeout(batchTimer);
    clearTimeout(noteTimer);
  });

  function update(change) {
    if (change.reason === 'load') load(change.info);
    // The model moved on: say so, but never resample by itself (training may step many times a second).
    else if (change.reason === 'step') scheduleNote();
    else {
      // Another call changed the model (the store brought its step count from the bridge).
      if (shown?.version === change.version) shown.step = change.step; // drawn from this model, before its count was known
      drawNote();
      // A jump to a checkpoint (chapter 6) is one change, not a stream of steps: sample from it now.
      if (change.method === 'checkpoint_import' && change.version === store.version && canSample) sampleNow();
    }
  }

  function load(info) {
    generation += 1;
    frame.showScript(ctx, info);
    for (const link of Object.values(links)) link.refresh();
    vocab = info.vocab;
    shown = null;
    clearTimeout(batchTimer);
    batchRun += 1; // a batch of the previous script stops
    const missing = info.roles?.missing?.sample ?? (info.roles?.sampling && vocab ? null : 'no sampling loop was found');
    if (missing) {
      showMissing(missing);
      return;
    }
    temperature = scriptTemperature(info);
    temperatureName = info.roles.sampling.temperature ?? 'temperature';
    canSample = true;
    parts.generator.setTemperature({ name: temperatureName, value: temperature });
    parts.note.setTotal(info.hyper?.num_steps);
    drawNote();
    frame.live.replaceChildren(parts.generator.root, parts.batch.root);
    sampleNow();
  }

  // The bridge's sentence of what it looked for, where the script has no sampling loop.
  function showMissing(sentence) {
    canSample = false;
    parts.missing.body.replaceChildren(
      el('p', 'inf-missing-text', [el('strong', null, 'Nothing to draw from this script.'), ' The bridge says:']),
      el('blockquote', 'inf-missing-sentence', `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`),
    );
    frame.live.replaceChildren(parts.missing.root);
  }

  // {name, value} of the script's temperature for a draw at `t`, or null when it has none.
  const temperatureOf = (t) => (t == null ? null : { name: temperatureName, value: t });

  function sampleNow() {
    const mine = ++generation;
    const args = { temperature, seed: draw * SEED_STRIDE };
    parts.generator.setBusy(true);
    clearTimeout(batchTimer);
    batchRun += 1; // a running batch stops after its current line
    ctx.rpc.latest('inference:sample', 'sample', args).then(
      (result) => {
        if (mine !== generation) return;
        shown = { version: store.version, step: store.step };
        parts.generator.show(result, { ...args, draw, vocab });
        drawNote();
        // Slider drags come in bursts: start the twenty only once the temperature has settled.
        batchTimer = setTimeout(() => runBatch(args.temperature, draw, shown), 300);
      },
      (error) => {
        if (mine !== generation) return;
        parts.generator.fail(error);
        // The twenty of an earlier draw, if still coming, ended with it (a Stop cut them short).
        if (parts.batch.root.dataset.state === 'running') parts.batch.fail(error);
      },
    );
  }

  // The batch: one seeded `sample` call per line, in order, so lines appear as Python finishes them.
  // It stops when the model changes: its lines would come from two different models. What the
  // script prints during a call (its own sample line) is that line: calls run one at a time, and
  // a call's stdout comes before its answer.
  async function runBatch(t, d, model) {
    const mine = ++batchRun;
    const firstSeed = d * SEED_STRIDE + 1;
    parts.batch.start({ temperature: temperatureOf(t), firstSeed, step: model.step, count: BATCH_SIZE });
    for (let i = 0; i < BATCH_SIZE; i++) {
      if (model.version !== store.version) {
        parts.batch.stop(i);
        return;
      }
      let result;
      const printed = [];
      capture = printed;
      try {
        result = await ctx.rpc.call('sample', { temperature: t, seed: firstSeed + i });
      } catch (error) {
        if (mine === batchRun) parts.batch.fail(error);
        return;
      } finally {
        if (capture === printed) capture = null;
      }
      if (mine !== batchRun) return;
      if (model.version !== store.version) {
        parts.batch.stop(i);
        return;
      }
      parts.batch.add(i, { printed: printed.join(''), text: result.text });
    }
  }

  function scheduleNote() {
    if (noteTimer) return;
    noteTimer = setTimeout(() => {
      noteTimer = null;
      drawNote();
    }, NOTE_DELAY_MS);
  }

  function drawNote() {
    parts.note.show({ step: store.step, shown: shown && { step: shown.step, stale: shown.version !== store.version } });
  }

  return { update, dispose: ends.dispose };
}
