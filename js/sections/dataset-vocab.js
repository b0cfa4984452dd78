// Chapter 1, the vocabulary: every token id with what it stands for (the script's `uchars`,
// then BOS), as a compact table whose top row shows how often each character occurs in docs.
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';
import { showTooltip, hideTooltip } from '../ui/tooltip.js';

export function createVocab({ action }) {
  const card = liveCard({
    title: 'The vocabulary',
    help: ['vocabulary', 'every token the model knows. It reads one token id per step and, at every step, scores each token of the vocabulary as the possible next one.'],
    action,
    className: 'dataset-vocab',
  });
  const intro = el('p', 'live-card-note');
  const scroller = el('div', 'vocab-scroll');
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
  uchars.forEach((ch, id) => {
    const share = totalChars ? (100 * counts[id]) / totalChars : 0;
    const tip = `'${ch}' → id ${id}\n${counts[id]} times in docs (${share.toFixed(1)}%)`;
    const bar = el('span', 'vocab-bar');
    bar.style.height = `${Math.max(2, (100 * counts[id]) / most)}%`;
    bars.append(hoverCell(el('td', null, bar), tip));
    chars.append(hoverCell(el('td', null, ch === ' ' ? '␣' : ch), tip));
    ids.append(hoverCell(el('td', null, String(id)), tip));
  });
  const bosTip = `BOS → id ${BOS}\nnot a character: it marks where a name starts and ends`;
  bars.append(hoverCell(el('td', 'bos'), bosTip));
  chars.append(hoverCell(el('td', 'bos', 'BOS'), bosTip));
  ids.append(hoverCell(el('td', 'bos', String(BOS)), bosTip));
  return el('table', { className: 'vocab-table', 'aria-label': 'Token ids and the characters they stand for' }, [
    el('tbody', null, [bars, chars, ids]),
  ]);
}

function hoverCell(cell, tip) {
  cell.addEventListener('mouseenter', (e) => showTooltip(tip, e.clientX, e.clientY));
  cell.addEventListener('mouseleave', hideTooltip);
  return cell;
}
