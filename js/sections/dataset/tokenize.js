// Chapter 1, the tokenizer at work: a text the reader types, each character's id, the training
// loop's token list, and the (input -> target) pairs made from it. The bridge's `tokenize` runs
// the loop's own tokenizing lines with its document variable set to the text, so the ids, the
// special tokens around them, the cut to the context and any error are the script's own; this
// card shows those lines (`code`, `lines`) and the names they use (`doc_var`, `tokens_var`).
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { tokenChip, chipForId } from '../../ui/token-chip.js';
import { termMarker } from '../../ui/glossary.js';
import { tokenLabel } from '../../ui/vocab.js';
import { renderPairs } from './pairs.js';
import { FIRST_TEXT } from './first-calls.js';

// Inputs worth trying: a long name (longer than microgpt's context of 16 positions) and text
// with capitals, an accent, a space, a digit and an emoji. The longest document is added from Python.
const EXAMPLES = ['maximilianalexander', 'Zoë 2🙂'];

export class Tokenizer {
  constructor({ rpc, showLines, action }) {
    this.rpc = rpc;
    this.showLines = showLines;
    this.card = liveCard({
      title: 'Tokenize a document',
      term: 'token',
      action,
      className: 'dataset-tokenize',
    });
    this.root = this.card.root;
    this.input = el('input', {
      type: 'text',
      id: 'tokenize-input',
      className: 'tokenize-input',
      value: FIRST_TEXT,
      maxlength: 64,
      spellcheck: 'false',
      autocomplete: 'off',
      autocapitalize: 'off',
    });
    this.input.value = FIRST_TEXT;
    this.docName = el('code', 'doc-var', 'doc');
    this.examples = el('div', 'tokenize-examples', [el('span', 'examples-label', 'Try')]);
    this.exampleButtons = new Map();
    for (const text of [FIRST_TEXT, ...EXAMPLES]) this.addExample(text);
    this.line = el('div', 'tokenize-line');
    this.charRow = el('div', { className: 'token-row chars', 'aria-live': 'polite' });
    this.tokenRow = el('div', 'token-row tokens');
    this.tokensName = el('code', 'tokens-var', 'tokens');
    this.literal = el('p', 'tokens-literal');
    this.bosNote = el('p', 'bos-note');
    this.errorNote = el('div', { className: 'token-error', role: 'status', hidden: true });
    this.pairs = el('div', 'pairs');
    this.rows = el('div', 'token-rows', [
      el('span', 'row-label', ['each character', el('span', 'row-sub', 'alone, through the lines above')]),
      this.charRow,
      el('span', 'row-label', ['the sequence', this.tokensName]),
      el('div', 'token-cell', [this.tokenRow, this.literal]),
    ]);
    this.card.body.append(
      el('div', 'tokenize-field', [el('label', { for: 'tokenize-input' }, [this.docName, ' =']), this.input]),
      this.examples,
      this.line,
      this.rows,
      this.errorNote,
      this.bosNote,
      el('h4', 'pairs-title', 'What the training loop makes of it: (input → target) pairs'),
      this.pairs,
    );
    this.vocab = null; // info.vocab, from the `vocab` answer: labels and special tokens
    this.longestButton = null; // the loaded data set's longest document, among the examples
    this.input.addEventListener('input', () => this.request());
  }

  // A (re)loaded script: its names, before the vocabulary arrives.
  prepare(info) {
    this.vocab = null;
    this.docName.textContent = info.roles?.doc_var ?? 'doc';
    this.tokensName.textContent = info.roles?.tokens_var ?? 'tokens';
  }

  // Its vocabulary and its longest document: now the text can be tokenized.
  show(vocabInfo) {
    this.vocab = vocabInfo;
    const longest = vocabInfo.longest?.[0];
    if (this.longestButton && this.longestButton.textContent !== longest) {
      this.exampleButtons.delete(this.longestButton.textContent); // another data set's
      this.longestButton.remove();
      this.longestButton = null;
    }
    if (longest && !this.exampleButtons.has(longest)) {
      this.addExample(longest, 'the longest document', this.exampleButtons.get(EXAMPLES[0]));
      this.longestButton = this.exampleButtons.get(longest);
    }
    this.request();
  }

  addExample(text, title, before = null) {
    if (this.exampleButtons.has(text)) return;
    const button = el('button', { type: 'button', className: 'example', title }, text);
    button.addEventListener('click', () => this.setText(text));
    this.exampleButtons.set(text, button);
    this.examples.insertBefore(button, before);
  }

  setText(text) {
    this.input.value = text;
    this.request();
  }

  request() {
    if (!this.vocab) return;
    this.rpc.latest('dataset.tokenize', 'tokenize', { text: this.input.value }).then(
      (result) => this.draw(result),
      (error) => {
        this.fail(error?.message ?? String(error));
      },
    );
  }

  draw(result) {
    this.root.dataset.state = result.error ? 'error' : 'ok';
    this.rows.hidden = false;
    this.docName.textContent = result.doc_var;
    this.tokensName.textContent = result.tokens_var;
    this.drawLine(result);
    this.charRow.replaceChildren(
      ...result.chars.map((c, i) =>
        c.id == null
          ? tokenChip({
              label: c.ch,
              kind: 'unknown',
              note: '!',
              title: `'${c.ch}' (character ${i + 1}) alone: the script's line raises ${c.error}`,
            })
          : tokenChip({ label: c.ch, id: c.id, title: `'${c.ch}' alone → id ${c.id}` }),
      ),
    );
    if (!result.chars.length) this.charRow.append(el('span', 'row-empty', 'no characters: an empty document'));
    this.drawTokens(result);
    this.drawError(result);
    renderPairs(this.pairs, result, this.vocab);
  }

  // The script's own statements that made the tokens, and the text they ran on.
  drawLine(result) {
    const [first, last] = result.lines ?? [];
    const where = el('button', { type: 'button', className: 'code-link' }, first === last ? `line ${first}` : `lines ${first}–${last}`);
    where.addEventListener('click', () => this.showLines([[first, last]]));
    this.line.replaceChildren(
      el('p', null, [
        "The training loop's own ",
        where,
        ', run with ',
        el('code', null, `${result.doc_var} = ${pyRepr(result.text)}`),
        ':',
      ]),
      el(
        'pre',
        'script-lines',
        result.code.map((text) => el('code', 'script-line', text)),
      ),
    );
  }

  drawTokens(result) {
    if (!this.vocab) return; // an answer for the script before: the new vocabulary redraws it
    const { tokens } = result;
    const { tokenRow, literal, bosNote } = this;
    if (!tokens) {
      tokenRow.replaceChildren(el('span', 'row-empty', `none: the lines above raise before ${result.tokens_var} is made`));
      literal.hidden = true;
      bosNote.hidden = true;
      return;
    }
    tokenRow.replaceChildren(...tokens.map((id) => chipForId(id, this.vocab)));
    literal.hidden = false;
    literal.replaceChildren(el('code', null, `${result.tokens_var} = [${tokens.join(', ')}]`), `  ${tokens.length} ids`);
    bosNote.hidden = !tokens.length;
    if (tokens.length) bosNote.replaceChildren(...this.endsNote(tokens));
  }

  // What the tokens at the ends are for, as this script's tokens have them.
  endsNote(tokens) {
    const { vocab } = this;
    const { bos, eos } = vocab;
    const tag = (id) => el('span', 'bos-tag', tokenLabel(vocab, id));
    const first = tokens[0];
    const last = tokens.at(-1);
    if (first === bos && last === bos && tokens.length >= 2) {
      return [
        tag(bos),
        termMarker('bos'),
        ' stands at both ends. At the start it means "nothing yet": the model predicts the first character from it alone. ' +
          'At the end it is the target after the last character, so the model learns where a document is over.',
      ];
    }
    if (first === bos && eos != null && last === eos) {
      return [
        tag(bos),
        termMarker('bos'),
        ' starts the sequence and ',
        tag(eos),
        ' ends it. From ',
        tag(bos),
        ' alone the model predicts the first character; ',
        tag(eos),
        ' is the target after the last one, so the model learns where a document is over.',
      ];
    }
    return [`This script's ${this.tokensName.textContent} starts with `, tag(first), ' and ends with ', tag(last), '.'];
  }

  drawError(result) {
    const unknown = result.chars.filter((c) => c.id == null);
    const chars = [...new Set(unknown.map((c) => c.ch))];
    if (!result.error && !chars.length) {
      this.errorNote.hidden = true;
      return;
    }
    this.errorNote.hidden = false;
    const parts = [];
    if (chars.length) {
      const many = chars.length > 1;
      parts.push(
        el('strong', null, `Not in the vocabulary: ${chars.map(pyRepr).join(', ')}. `),
        `The script's tokenizer has no id for ${many ? 'them' : 'it'}: `,
        `on ${pyRepr(unknown[0].ch)} alone its line raises `,
        el('code', 'python-error', unknown[0].error),
        '.',
      );
    }
    if (result.error) {
      const where = result.error.line ? ` at line ${result.error.line}` : '';
      parts.push(
        ` The training loop would stop${where} with `,
        el('code', 'python-error', `${result.error.type}: ${result.error.message}`),
        '.',
      );
      if (result.error.line) {
        const button = el('button', { type: 'button', className: 'code-link' }, `line ${result.error.line}`);
        button.addEventListener('click', () => this.showLines([[result.error.line, result.error.line]]));
        parts.push(' ', button);
      }
    }
    this.errorNote.replaceChildren(el('p', null, parts));
  }

  // No tokenizing at all (the bridge's sentence of what it looked for, or its error).
  fail(message) {
    this.root.dataset.state = 'error';
    this.line.replaceChildren();
    this.rows.hidden = true;
    this.bosNote.hidden = true;
    this.pairs.replaceChildren();
    this.errorNote.hidden = false;
    this.errorNote.replaceChildren(el('p', null, `The bridge could not run this script's tokenizer: ${message}`));
  }
}

// How Python's repr shows a short string, for the text of notes.
function pyRepr(text) {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
