// Chapter 1, the vocabulary: every token id with what it stands for (the script's `uchars`,
// then BOS), as a compact table whose top row shows how often each character occurs in docs.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { scrollCue } from '../ui/scroll-cue.js';
import { showTooltip, hideTooltip } from '../ui/tooltip.js';

export function createVocab({ action }) {
  const card = liveCard({
    title: 'The vocabulary',
    term: 'vocabulary',
    action,
    className: 'dataset-vocab',
  });
  const intro = el('p', 'live-card-note');
  // On a phone the table scrolls sideways: a named tab stop, so the keyboard can scroll it too.
  const scroller = scrollCue(el('div', { className: 'vocab-scroll', tabindex: '0', role: 'region', 'aria-label': 'Vocabulary table' }));
  const legend = el('p', 'live-card-note vocab-legend');
  card.body.append(intro, scroller, legend);

  return {
    root: card.root,
    show(vocab) {
      const { uchars, BOS, counts, total_chars: totalChars } = vocab;
      intro.replaceChildren(
        `${uchars.length} characters — `,
        el('code', null, "uchars = sorted(set(''.join(docs)))"),
        ' — each with its position in that list as its id, and one more id, ',
        el('code', 'bos-text', `BOS = ${BOS}`),
        ` : ${uchars.length + 1} token ids in all.`,
      );
      scroller.replaceChildren(vocabTable(uchars, BOS, counts, totalChars));
      legend.textContent = `Bar height: how often the character occurs in docs (${totalChars} characters in all). BOS occurs in no name: the training loop adds it.`;
    },
  };
}

function vocabTable(uchars, BOS, counts, totalChars) {
  const most = Math.max(1, ...counts);
  const bars = el('tr', 'vocab-bars', [el('th', { scope: 'row' }, 'count')]);
  const chars = el('tr', 'vocab-chars', [el('th', { scope: 'row' }, 'char')]);
  const ids = el('tr', 'vocab-ids', [el('th', { scope: 'row' }, 'id')]);
  const tips = [null]; // by column; the first column holds the row names
  uchars.forEach((ch, id) => {
    const share = totalChars ? (100 * counts[id]) / totalChars : 0;
    tips.push(`'${ch}' → id ${id}\n${counts[id]} times in docs (${share.toFixed(1)}%)`);
    const bar = el('span', 'vocab-bar');
    bar.style.height = `${Math.max(2, (100 * counts[id]) / most)}%`;
    bars.append(el('td', null, bar));
    chars.append(el('td', null, ch === ' ' ? '␣' : ch));
    ids.append(el('td', null, String(id)));
  });
  tips.push(`BOS → id ${BOS}\nnot a character: it marks where a name starts and ends`);
  bars.append(el('td', 'bos'));
  chars.append(el('td', 'bos', 'BOS'));
  ids.append(el('td', 'bos', String(BOS)));
  const table = el('table', { className: 'vocab-table', 'aria-label': 'Token ids and the characters they stand for' }, [
    el('tbody', null, [bars, chars, ids]),
  ]);
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
  table.addEventListener('mouseleave', () => { light(-1); hideTooltip(); });
  return table;
}
