// Chapter 1, the vocabulary: every token id with what it stands for, as a compact table whose
// top row shows how often each character occurs in the documents. All of it is the bridge's
// `vocab` answer: the ids the script's own tokenizing lines give each character, its special
// tokens (BOS, and a separate EOS when it has one) and its decoding table's name.
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { scrollCue } from '../../ui/scroll-cue.js';
import { showTooltip, hideTooltip } from '../../ui/tooltip.js';
import { isSpecial, specialNote, tokenKind, tokenLabel } from '../../ui/vocab.js';

export class VocabTable {
  constructor({ action }) {
    const card = liveCard({
      title: 'The vocabulary',
      term: 'vocabulary',
      action,
      className: 'dataset-vocab',
    });
    this.root = card.root;
    this.intro = el('p', 'live-card-note');
    // On a phone the table scrolls sideways: a named tab stop, so the keyboard can scroll it too.
    this.scroller = scrollCue(el('div', { className: 'vocab-scroll', tabindex: '0', role: 'region', 'aria-label': 'Vocabulary table' }));
    this.legend = el('p', 'live-card-note vocab-legend');
    card.body.append(this.intro, this.scroller, this.legend);
  }

  show(vocab, info) {
    this.root.dataset.state = 'ok';
    const docsName = info.roles?.documents ?? 'the documents';
    const specials = [vocab.bos, vocab.eos].filter((id) => id != null);
    const specialIds = specials.map((id) => el('code', 'special-text', `${tokenLabel(vocab, id)} = ${id}`));
    const others = vocab.size - vocab.chars.length - specials.length; // ids no character maps to
    const extra =
      specials.length === 1
        ? [' One more id, ', ...specialIds, ', stands for no character']
        : specials.length
          ? [' Two more ids, ', ...join(specialIds), ', stand for no character']
          : [];
    const unused = others > 0 ? `${extra.length ? ', and' : ''} ${others} id${others > 1 ? 's' : ''} no character maps to` : '';
    this.intro.replaceChildren(
      `${vocab.chars.length} characters occur in `,
      el('code', null, docsName),
      ", each with the id the script's own tokenizing lines give it",
      ...(vocab.decoder ? ['; ', el('code', null, `${vocab.decoder}[id]`), ' gives an id back its character'] : []),
      '.',
      ...extra,
      unused,
      extra.length || unused ? `: ${vocab.size} token ids in all.` : ` ${vocab.size} token ids in all.`,
    );
    this.scroller.replaceChildren(vocabTable(vocab, docsName));
    const labels = specials.map((id) => tokenLabel(vocab, id));
    this.legend.textContent =
      `Bar height: how often the character occurs in ${docsName} (${vocab.total_chars} characters in all).` +
      (labels.length
        ? ` ${labels.join(' and ')} ${labels.length > 1 ? 'occur' : 'occurs'} in no document: the training loop's own line adds ${labels.length > 1 ? 'them' : 'it'}.`
        : '');
  }

  // The vocabulary cannot be read: the bridge's sentence of what it looked for.
  fail(message) {
    this.root.dataset.state = 'error';
    this.intro.textContent = `The bridge could not read this script's vocabulary: ${message}`;
    this.scroller.replaceChildren();
    this.legend.textContent = '';
  }
}

// "a", "a and b", "a, b and c", for nodes.
function join(nodes) {
  return nodes.flatMap((node, i) => (i === 0 ? [node] : [i === nodes.length - 1 ? ' and ' : ', ', node]));
}

function vocabTable(vocab, docsName) {
  const byId = new Map(vocab.chars.map((c) => [c.id, c]));
  const counts = vocab.chars.map((c) => c.count);
  const most = Math.max(1, ...counts);
  const totalChars = vocab.total_chars;
  const bars = el('tr', 'vocab-bars', [el('th', { scope: 'row' }, 'count')]);
  const chars = el('tr', 'vocab-chars', [el('th', { scope: 'row' }, 'token')]);
  const ids = el('tr', 'vocab-ids', [el('th', { scope: 'row' }, 'id')]);
  const tips = [null]; // by column; the first column holds the row names
  for (let id = 0; id < vocab.size; id++) {
    const char = byId.get(id);
    const kind = tokenKind(vocab, id);
    // A character shows as the tokenizer read it (even where the script has no decoding table).
    const label = char ? char.ch : tokenLabel(vocab, id);
    const shown = label === ' ' ? '␣' : label;
    const cls = isSpecial(vocab, id) ? `special ${kind}` : null;
    if (char) {
      const share = totalChars ? (100 * char.count) / totalChars : 0;
      tips.push(`'${char.ch}' → id ${id}\n${char.count} times in ${docsName} (${share.toFixed(1)}%)`);
      const bar = el('span', 'vocab-bar');
      bar.style.height = `${Math.max(2, (100 * char.count) / most)}%`;
      bars.append(el('td', null, bar));
    } else {
      tips.push(`${shown} → id ${id}\n${specialNote(vocab, id) || 'no character of the documents has this id'}`);
      bars.append(el('td', cls));
    }
    chars.append(el('td', { className: cls, dataset: { kind, id: String(id) } }, shown));
    ids.append(el('td', cls, String(id)));
  }
  const table = el('table', { className: 'vocab-table', 'aria-label': 'Token ids and what they stand for' }, [
    el('tbody', null, [bars, chars, ids]),
  ]);
  // A long vocabulary (capitals, accents) keeps its columns readable and scrolls sideways.
  table.style.setProperty('--vocab-columns', String(vocab.size));
  // One listener for the table: the column under the pointer is lit and described.
  let lit = -1;
  const light = (col) => {
    if (col === lit) return;
    for (const row of table.rows) {
      row.cells[lit]?.classList.remove('lit');
      if (col > 0) row.cells[col]?.classList.add('lit');
    }
    lit = col;
  };
  table.addEventListener('mousemove', (e) => {
    const col = e.target.closest('td')?.cellIndex ?? -1;
    light(col);
    if (col > 0) showTooltip(tips[col], e.clientX, e.clientY);
    else hideTooltip();
  });
  table.addEventListener('mouseleave', () => {
    light(-1);
    hideTooltip();
  });
  return table;
}
