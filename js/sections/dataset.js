// Chapter 1: the data set and the tokenizer, as the running script sees them: its docs, its
// vocabulary, and what its training loop makes of a name the reader types. Every figure comes
// from the script through the bridge (info, `docs`, `vocab`, `tokenize`).
import { el } from '../ui/dom.js';
import { renderFacts } from '../ui/facts.js';
import { termMarker } from '../ui/glossary.js';
import { codeLink, showLines } from '../ui/code-link.js';
import { sectionFrame } from './section.js';
import { createSample } from './dataset-sample.js';
import { createVocab } from './dataset-vocab.js';
import { createTokenizer } from './dataset-tokenize.js';

const CODE = { show: ['dataset', 'tokenizer', 'train.tokens'], highlight: ['tokenizer', 'train.tokens'] };

// The facts that name a glossary term get its "?" (js/glossary.json).
const TERM_OF_FACT = { 'vocab size': 'vocabulary', 'BOS id': 'bos', block_size: 'block-size' };

let ctx;
let frame;
let links;
let parts;
let generation = 0; // answers that arrive after another script was loaded are dropped

function mount(root, context) {
  ctx = context;
  frame = sectionFrame(root, { code: CODE });
  links = {
    dataset: codeLink(frame.panel, ['dataset']),
    tokenizer: codeLink(frame.panel, ['tokenizer']),
    tokens: codeLink(frame.panel, ['train.tokens']),
  };
  const tokenize = createTokenizer({
    rpc: ctx.rpc,
    script: ctx.script,
    showLines: (marked) => showLines(frame.panel, marked),
    action: links.tokens.button,
  });
  parts = {
    facts: el('div', 'dataset-facts'),
    longest: el('p', 'longest-note'),
    sample: createSample({ rpc: ctx.rpc, onPick: (name) => tokenize.setText(name), action: links.dataset.button }),
    vocab: createVocab({ action: links.tokenizer.button }),
    tokenize,
  };
}

function update(info) {
  const mine = ++generation;
  frame.showScript(ctx, info);
  for (const link of Object.values(links)) link.refresh();
  drawFacts(info);
  parts.longest.textContent = '';
  parts.sample.show(info);
  frame.live.replaceChildren(parts.facts, parts.longest, parts.sample.root, parts.vocab.root, parts.tokenize.root);
  ctx.rpc.call('vocab').then(async (vocab) => {
    if (mine !== generation) return;
    parts.vocab.show(vocab);
    parts.tokenize.show(vocab);
    const longest = vocab.longest?.[0];
    if (longest != null) drawLongest(info, longest, await ctx.rpc.call('tokenize', { text: longest }));
  }).catch((error) => {
    if (mine !== generation) return;
    parts.longest.textContent = `The vocabulary could not be read from the script: ${error?.message ?? error}`;
    parts.longest.classList.add('error');
  });
}

function drawFacts(info) {
  renderFacts(parts.facts, [
    { label: 'names', value: info.num_docs, title: 'len(docs)' },
    { label: 'vocab size', value: info.vocab_size, title: 'vocab_size = len(uchars) + 1' },
    { label: 'BOS id', value: info.BOS, title: 'BOS = len(uchars)' },
    { label: 'longest name', value: info.longest_doc, title: 'characters in the longest name of docs' },
    { label: 'block_size', value: info.hyper?.block_size, title: 'block_size: the longest context the model sees' },
  ]);
  parts.facts.querySelector('.fact:nth-child(3)')?.classList.add('bos');
  for (const dt of parts.facts.querySelectorAll('dt')) {
    const term = TERM_OF_FACT[dt.textContent];
    if (term) dt.append(termMarker(term));
  }
}

// The longest name against block_size, from the script's own tokenize of that name.
function drawLongest(info, name, result) {
  parts.longest.classList.remove('error');
  if (!result.tokens) {
    parts.longest.textContent = `The longest name, ${name}, cannot be tokenized by this script.`;
    return;
  }
  const lost = result.pairs.filter((p) => !p.kept).length;
  parts.longest.replaceChildren(
    'The longest name, ', el('button', { type: 'button', className: 'inline-name', title: 'Tokenize it below' }, name),
    `, has ${info.longest_doc} characters: ${result.tokens.length} tokens with BOS at both ends, so n = ${result.n} pairs for block_size = ${result.block_size}. `,
    lost ? `Names this long lose their last ${lost} pair${lost > 1 ? 's' : ''}.` : 'Every name in docs fits: no pair is ever dropped.',
  );
  parts.longest.querySelector('.inline-name').addEventListener('click', () => parts.tokenize.setText(name));
}

export default { id: 'dataset', mount, update };
