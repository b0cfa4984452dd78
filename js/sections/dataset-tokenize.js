// Chapter 1, the tokenizer at work: a text the reader types, each character's id, the training
// loop's token list, and the (input -> target) pairs made from it. The bridge's `tokenize` runs
// the loop's own tokenizing lines with its document variable set to the text, so the ids, the
// special tokens around them, the cut to the context and any error are the script's own; this
// card shows those lines (`code`, `lines`) and the names they use (`doc_var`, `tokens_var`).
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { tokenChip, chipForId } from '../ui/token-chip.js';
import { termMarker } from '../ui/glossary.js';
import { tokenLabel } from '../ui/vocab.js';
import { renderPairs } from './dataset-pairs.js';
import { FIRST_TEXT } from './dataset-first-calls.js';

// Inputs worth trying: a long name (longer than microgpt's context of 16 positions) and text
// with capitals, an accent, a space, a digit and an emoji. The longest document is added from Python.
const EXAMPLES = ['maximilianalexander', 'Zoë 2🙂'];

export function createTokenizer({ rpc, showLines, action }) {
  const card = liveCard({
    title: 'Tokenize a document',
    term: 'token',
    action,
    className: 'dataset-tokenize',
  });
  const input = el('input', {
    type: 'text', id: 'tokenize-input', className: 'tokenize-input', value: FIRST_TEXT,
    maxlength: 64, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
  });
  input.value = FIRST_TEXT;
  const docName = el('code', 'doc-var', 'doc');
  const examples = el('div', 'tokenize-examples', [el('span', 'examples-label', 'Try')]);
  const exampleButtons = new Map();
  for (const text of [FIRST_TEXT, ...EXAMPLES]) addExample(text);
  const line = el('div', 'tokenize-line');
  const charRow = el('div', { className: 'token-row chars', 'aria-live': 'polite' });
  const tokenRow = el('div', 'token-row tokens');
  const tokensName = el('code', 'tokens-var', 'tokens');
  const literal = el('p', 'tokens-literal');
  const bosNote = el('p', 'bos-note');
  const errorNote = el('div', { className: 'token-error', role: 'status', hidden: true });
  const pairs = el('div', 'pairs');
  const rows = el('div', 'token-rows', [
    el('span', 'row-label', ['each character', el('span', 'row-sub', 'alone, through the lines above')]), charRow,
    el('span', 'row-label', ['the sequence', tokensName]), el('div', 'token-cell', [tokenRow, literal]),
  ]);
  card.body.append(
    el('div', 'tokenize-field', [el('label', { for: 'tokenize-input' }, [docName, ' =']), input]),
    examples,
    line,
    rows,
    errorNote, bosNote,
    el('h4', 'pairs-title', 'What the training loop makes of it: (input → target) pairs'),
    pairs,
  );

  let vocab = null; // info.vocab, from the `vocab` answer: labels and special tokens
  let longestButton = null; // the loaded data set's longest document, among the examples

  function addExample(text, title, before = null) {
    if (exampleButtons.has(text)) return;
    const button = el('button', { type: 'button', className: 'example', title }, text);
    button.addEventListener('click', () => setText(text));
    exampleButtons.set(text, button);
    examples.insertBefore(button, before);
  }

  function setText(text) {
    input.value = text;
    request();
  }

  function request() {
    if (!vocab) return;
    rpc.latest('dataset.tokenize', 'tokenize', { text: input.value }).then(draw, (error) => {
      fail(error?.message ?? String(error));
    });
  }

  function draw(result) {
    card.root.dataset.state = result.error ? 'error' : 'ok';
    rows.hidden = false;
    docName.textContent = result.doc_var;
    tokensName.textContent = result.tokens_var;
    drawLine(result);
    charRow.replaceChildren(...result.chars.map((c, i) => (c.id == null
      ? tokenChip({ label: c.ch, kind: 'unknown', note: '!', title: `'${c.ch}' (character ${i + 1}) alone: the script's line raises ${c.error}` })
      : tokenChip({ label: c.ch, id: c.id, title: `'${c.ch}' alone → id ${c.id}` }))));
    if (!result.chars.length) charRow.append(el('span', 'row-empty', 'no characters: an empty document'));
    drawTokens(result);
    drawError(result);
    renderPairs(pairs, result, vocab);
  }

  // The script's own statements that made the tokens, and the text they ran on.
  function drawLine(result) {
    const [first, last] = result.lines ?? [];
    const where = el('button', { type: 'button', className: 'code-link' }, first === last ? `line ${first}` : `lines ${first}–${last}`);
    where.addEventListener('click', () => showLines([[first, last]]));
    line.replaceChildren(
      el('p', null, [
        'The training loop\'s own ', where, ', run with ',
        el('code', null, `${result.doc_var} = ${pyRepr(result.text)}`), ':',
      ]),
      el('pre', 'script-lines', result.code.map((text) => el('code', 'script-line', text))),
    );
  }

  function drawTokens(result) {
    if (!vocab) return; // an answer for the script before: the new vocabulary redraws it
    const { tokens } = result;
    if (!tokens) {
      tokenRow.replaceChildren(el('span', 'row-empty', `none: the lines above raise before ${result.tokens_var} is made`));
      literal.hidden = true;
      bosNote.hidden = true;
      return;
    }
    tokenRow.replaceChildren(...tokens.map((id) => chipForId(id, vocab)));
    literal.hidden = false;
    literal.replaceChildren(el('code', null, `${result.tokens_var} = [${tokens.join(', ')}]`), `  ${tokens.length} ids`);
    bosNote.hidden = !tokens.length;
    if (tokens.length) bosNote.replaceChildren(...endsNote(tokens));
  }

  // What the tokens at the ends are for, as this script's tokens have them.
  function endsNote(tokens) {
    const { bos, eos } = vocab;
    const tag = (id) => el('span', 'bos-tag', tokenLabel(vocab, id));
    const first = tokens[0];
    const last = tokens.at(-1);
    if (first === bos && last === bos && tokens.length >= 2) {
      return [tag(bos), termMarker('bos'),
        ' stands at both ends. At the start it means "nothing yet": the model predicts the first character from it alone. '
        + 'At the end it is the target after the last character, so the model learns where a document is over.'];
    }
    if (first === bos && eos != null && last === eos) {
      return [tag(bos), termMarker('bos'), ' starts the sequence and ', tag(eos), ' ends it. From ',
        tag(bos), ' alone the model predicts the first character; ', tag(eos),
        ' is the target after the last one, so the model learns where a document is over.'];
    }
    return [`This script's ${tokensName.textContent} starts with `, tag(first), ' and ends with ', tag(last), '.'];
  }

  function drawError(result) {
    const unknown = result.chars.filter((c) => c.id == null);
    const chars = [...new Set(unknown.map((c) => c.ch))];
    if (!result.error && !chars.length) {
      errorNote.hidden = true;
      return;
    }
    errorNote.hidden = false;
    const parts = [];
    if (chars.length) {
      const many = chars.length > 1;
      parts.push(el('strong', null, `Not in the vocabulary: ${chars.map(pyRepr).join(', ')}. `),
        `The script's tokenizer has no id for ${many ? 'them' : 'it'}: `,
        `on ${pyRepr(unknown[0].ch)} alone its line raises `, el('code', 'python-error', unknown[0].error), '.');
    }
    if (result.error) {
      const where = result.error.line ? ` at line ${result.error.line}` : '';
      parts.push(` The training loop would stop${where} with `,
        el('code', 'python-error', `${result.error.type}: ${result.error.message}`), '.');
      if (result.error.line) {
        const button = el('button', { type: 'button', className: 'code-link' }, `line ${result.error.line}`);
        button.addEventListener('click', () => showLines([[result.error.line, result.error.line]]));
        parts.push(' ', button);
      }
    }
    errorNote.replaceChildren(el('p', null, parts));
  }

  // No tokenizing at all (the bridge's sentence of what it looked for, or its error).
  function fail(message) {
    card.root.dataset.state = 'error';
    line.replaceChildren();
    rows.hidden = true;
    bosNote.hidden = true;
    pairs.replaceChildren();
    errorNote.hidden = false;
    errorNote.replaceChildren(el('p', null, `The bridge could not run this script's tokenizer: ${message}`));
  }

  input.addEventListener('input', request);

  return {
    root: card.root,
    setText,
    // A (re)loaded script: its names, before the vocabulary arrives.
    prepare(info) {
      vocab = null;
      docName.textContent = info.roles?.doc_var ?? 'doc';
      tokensName.textContent = info.roles?.tokens_var ?? 'tokens';
    },
    // Its vocabulary and its longest document: now the text can be tokenized.
    show(vocabInfo) {
      vocab = vocabInfo;
      const longest = vocabInfo.longest?.[0];
      if (longestButton && longestButton.textContent !== longest) {
        exampleButtons.delete(longestButton.textContent); // another data set's
        longestButton.remove();
        longestButton = null;
      }
      if (longest && !exampleButtons.has(longest)) {
        addExample(longest, 'the longest document', exampleButtons.get(EXAMPLES[0]));
        longestButton = exampleButtons.get(longest);
      }
      request();
    },
    fail,
  };
}

// How Python's repr shows a short string, for the text of notes.
function pyRepr(text) {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
