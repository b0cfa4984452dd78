// Chapter 1, the tokenizer at work: a name typed by the reader, each character's id, the
// training loop's `tokens` with BOS at both ends, and the (input -> target) pairs made from it.
// The ids are the script's own: the bridge's `tokenize` runs the loop's own lines on the text.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { tokenChip, chipForId } from '../ui/token-chip.js';
import { termMarker } from '../ui/glossary.js';
import { renderPairs } from './dataset-pairs.js';

const FIRST_TEXT = 'emma';
// Inputs worth trying: a long name (longer than the default block_size allows) and text
// with characters no name in the data set has. The longest name of docs is added from Python.
const EXAMPLES = ['maximilianalexander', 'Zoë 2🙂'];

export function createTokenizer({ rpc, script, showLines, action }) {
  const card = liveCard({
    title: 'Tokenize a name',
    term: 'token',
    action,
    className: 'dataset-tokenize',
  });
  const input = el('input', {
    type: 'text', id: 'tokenize-input', className: 'tokenize-input', value: FIRST_TEXT,
    maxlength: 64, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
  });
  input.value = FIRST_TEXT;
  const examples = el('div', 'tokenize-examples', [el('span', 'examples-label', 'Try')]);
  const exampleButtons = new Map();
  for (const text of [FIRST_TEXT, ...EXAMPLES]) addExample(text);
  const line = el('p', 'tokenize-line');
  const charRow = el('div', { className: 'token-row chars', 'aria-live': 'polite' });
  const tokenRow = el('div', 'token-row tokens');
  const literal = el('p', 'tokens-literal');
  const bosNote = el('p', 'bos-note');
  const errorNote = el('div', { className: 'token-error', role: 'status', hidden: true });
  const pairs = el('div', 'pairs');
  card.body.append(
    el('div', 'tokenize-field', [el('label', { for: 'tokenize-input' }, 'Name'), input]),
    examples,
    line,
    el('div', 'token-rows', [
      el('span', 'row-label', ['each character', el('code', null, 'uchars.index(ch)')]), charRow,
      el('span', 'row-label', ['the sequence', el('code', null, 'tokens')]), el('div', 'token-cell', [tokenRow, literal]),
    ]),
    errorNote, bosNote,
    el('h4', 'pairs-title', 'What the training loop makes of it: (input → target) pairs'),
    pairs,
  );

  let vocab = null; // {uchars, BOS}: to draw an id as the character it stands for

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
      if (error?.type === 'Superseded') return; // a newer keystroke's answer is on its way
      errorNote.hidden = false;
      errorNote.replaceChildren(`The bridge could not tokenize this text: ${error?.message ?? error}`);
    });
  }

  function draw(result) {
    card.root.dataset.state = result.error ? 'error' : 'ok';
    drawLine(result);
    charRow.replaceChildren(...result.chars.map((c, i) => (c.id == null
      ? tokenChip({ label: c.ch, kind: 'unknown', note: '!', title: `'${c.ch}' (character ${i + 1}) is not in uchars: uchars.index raises ${c.error}` })
      : tokenChip({ label: c.ch, id: c.id, title: `uchars.index('${c.ch}') = ${c.id}` }))));
    if (!result.chars.length) charRow.append(el('span', 'row-empty', 'no characters: an empty name'));
    drawTokens(result);
    drawError(result);
    renderPairs(pairs, result, vocab);
  }

  // The script's own statement that made the tokens, and the text it ran on.
  function drawLine(result) {
    const source = script().source.split('\n');
    if (result.source === 'script' && result.lines) {
      line.replaceChildren(
        `The training loop's line ${result.lines[0]}, run with `,
        el('code', null, `${result.doc_var} = ${pyRepr(result.text)}`), ':',
        el('code', 'script-line', source[result.lines[0] - 1]?.trim() ?? ''),
      );
    } else {
      line.replaceChildren('This script has no tokens line in a training loop; the original microgpt\'s is used: ',
        el('code', 'script-line', 'tokens = [BOS] + [uchars.index(ch) for ch in doc] + [BOS]'));
    }
  }

  function drawTokens(result) {
    const { tokens } = result;
    if (!tokens) {
      tokenRow.replaceChildren(el('span', 'row-empty', 'none: the line above raises before tokens is made'));
      literal.hidden = true;
      bosNote.hidden = true;
      return;
    }
    tokenRow.replaceChildren(...tokens.map((id) => chipForId(id, vocab)));
    literal.hidden = false;
    literal.replaceChildren(el('code', null, `tokens = [${tokens.join(', ')}]`), `  ${tokens.length} ids`);
    const bosCount = tokens.filter((id) => id === vocab.BOS).length;
    bosNote.hidden = false;
    bosNote.replaceChildren(
      el('span', 'bos-tag', 'BOS'), termMarker('bos'),
      bosCount >= 2
        ? ` stands at both ends. At the start it means "nothing yet": the model predicts the first letter from BOS alone. At the end it is the target after the last letter, so the model learns when a name is over — and when it later invents names, drawing BOS is how it stops.`
        : ` appears ${bosCount === 1 ? 'once' : 'nowhere'} in this script's tokens: without BOS at both ends, the model cannot learn both how a name starts and where it ends.`,
    );
  }

  function drawError(result) {
    const unknown = [...new Set(result.chars.filter((c) => c.id == null).map((c) => c.ch))];
    if (!result.error && !unknown.length) {
      errorNote.hidden = true;
      return;
    }
    errorNote.hidden = false;
    const parts = [];
    if (unknown.length) {
      parts.push(el('strong', null, `Not in the vocabulary: ${unknown.map(pyRepr).join(', ')}. `),
        `No name in docs has ${unknown.length > 1 ? 'these characters' : 'this character'}, so uchars does not either, and the script's `,
        el('code', null, `uchars.index(${pyRepr(unknown[0])})`), ' raises ValueError.');
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

  input.addEventListener('input', request);

  return {
    root: card.root,
    setText,
    // Data changed: a (re)loaded script, its vocabulary and its longest name.
    show(vocabInfo) {
      vocab = vocabInfo;
      const longest = vocabInfo.longest?.[0];
      if (longest) addExample(longest, 'the longest name in docs', exampleButtons.get(EXAMPLES[0]));
      request();
    },
  };
}

// How Python's repr shows a short string, for the text of notes.
function pyRepr(text) {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
