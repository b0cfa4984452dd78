// Chapter 1: the data set and the tokenizer, as the running script sees them: its documents, its
// vocabulary, and what its training loop makes of a text the reader types. Every figure and name
// comes from the script through the bridge (info, `docs`, `vocab`, `tokenize`): the documents'
// variable, the special tokens, the decoding table and the tokenizing lines are the script's own.
import { el } from '../../ui/dom.js';
import { renderFacts } from '../../ui/facts.js';
import { termMarker } from '../../ui/glossary.js';
import { codeLink, showLines } from '../../ui/code-link.js';
import { tokenLabel } from '../../ui/vocab.js';
import { sectionFrame } from '../section.js';
import { firstCalls } from './first-calls.js';
import { DocumentSample } from './sample.js';
import { VocabTable } from './vocab.js';
import { Tokenizer } from './tokenize.js';

// Every part the chapter shows is marked: the lines that make the documents list (the bridge's
// `dataset` phase: read, clean, shuffle), the tokenizer, and the loop's tokenizing lines.
const CODE = { show: ['dataset', 'tokenizer', 'train.tokens'], highlight: ['dataset', 'tokenizer', 'train.tokens'] };

// The facts that name a glossary term get its "?" (js/glossary.json).
const TERM_OF_FACT = { 'vocab size': 'vocabulary', 'BOS id': 'bos', 'max positions': 'block-size' };

export const id = 'dataset';
export { firstCalls };

export function createSection(root, ctx) {
  const frame = sectionFrame(root, { code: CODE });
  let generation = 0; // answers that arrive after another script was loaded are dropped
  const links = {
    dataset: codeLink(frame.panel, ['dataset']),
    tokenizer: codeLink(frame.panel, ['tokenizer']),
    tokens: codeLink(frame.panel, ['train.tokens']),
  };
  const tokenize = new Tokenizer({
    rpc: ctx.rpc,
    showLines: (marked) => showLines(frame.panel, marked),
    action: links.tokens.button,
  });
  const parts = {
    facts: el('div', 'dataset-facts'),
    longest: el('p', 'longest-note'),
    sample: new DocumentSample({ rpc: ctx.rpc, onPick: (text) => tokenize.setText(text), action: links.dataset.button }),
    vocab: new VocabTable({ action: links.tokenizer.button }),
    tokenize,
  };

  function update(change) {
    if (change.reason !== 'load') return; // the data set and its tokens do not change with training
    const info = change.info;
    const mine = ++generation;
    frame.showScript(ctx, info);
    for (const link of Object.values(links)) link.refresh();
    drawFacts(info);
    parts.longest.textContent = '';
    parts.longest.classList.remove('error');
    parts.sample.show(info);
    parts.tokenize.prepare(info);
    frame.live.replaceChildren(parts.facts, parts.longest, parts.sample.root, parts.vocab.root, parts.tokenize.root);
    ctx.rpc
      .call('vocab')
      .then(async (vocab) => {
        if (mine !== generation) return;
        parts.vocab.show(vocab, info);
        parts.tokenize.show(vocab);
        const longest = vocab.longest?.[0];
        if (longest == null) return;
        const result = await ctx.rpc.call('tokenize', { text: longest });
        if (mine === generation) drawLongest(info, vocab, longest, result);
      })
      .catch((error) => {
        if (mine !== generation) return;
        // A script whose vocabulary cannot be read: the bridge's sentence of what it looked for.
        const message = error?.message ?? String(error);
        parts.vocab.fail(message);
        parts.tokenize.fail(message);
      });
  }

  function drawFacts(info) {
    const vocab = info.vocab;
    const docsName = info.roles?.documents;
    const facts = [
      { label: 'documents', value: info.num_docs, title: docsName ? `len(${docsName})` : 'how many documents the script trains on' },
      { label: 'vocab size', value: vocab?.size, title: 'token ids: one score per id comes out of the model' },
      {
        label: 'BOS id',
        value: vocab?.bos,
        flow: 'bos',
        title: vocab ? `${tokenLabel(vocab, vocab.bos)}: the id every document starts with` : null,
      },
      {
        label: 'EOS id',
        value: vocab?.eos,
        flow: 'bos',
        title: vocab?.eos != null ? `${tokenLabel(vocab, vocab.eos)}: the id every document ends with` : null,
      },
      { label: 'longest document', value: info.longest_doc, title: 'characters in the longest document' },
      {
        label: 'max positions',
        value: info.hyper?.max_positions,
        title: 'how many positions the training loop visits for a 64-character document',
      },
    ].filter((fact) => fact.value != null); // a figure this script does not have is left out, not shown as "null"
    renderFacts(parts.facts, facts);
    for (const dt of parts.facts.querySelectorAll('dt')) {
      const term = TERM_OF_FACT[dt.textContent];
      if (term) dt.append(termMarker(term));
    }
  }

  // The longest document against the positions the loop visits, from the script's own tokenize of it.
  function drawLongest(info, vocab, text, result) {
    parts.longest.classList.remove('error');
    const name = el('button', { type: 'button', className: 'inline-name', title: 'Tokenize it below' }, text);
    name.addEventListener('click', () => parts.tokenize.setText(text));
    if (!result.tokens) {
      parts.longest.replaceChildren('The longest document, ', name, ', cannot be tokenized by this script.');
      return;
    }
    const lost = result.pairs.filter((p) => !p.kept).length;
    const first = tokenLabel(vocab, result.tokens[0]);
    const last = tokenLabel(vocab, result.tokens.at(-1));
    const visits =
      result.n != null
        ? `so the training loop visits ${result.n} positions`
        : 'and the bridge could not count the positions the loop visits';
    parts.longest.replaceChildren(
      'The longest document, ',
      name,
      `, has ${info.longest_doc} characters: ${result.tokens.length} tokens from ${first} to ${last}, ${visits}. `,
      lost ? `Documents this long lose their last ${lost} pair${lost > 1 ? 's' : ''}.` : 'Every document fits: no pair is ever dropped.',
    );
  }

  return { update, dispose() {} };
}
