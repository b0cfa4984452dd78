// A token drawn as a small chip: what it stands for on top (a character, or "BOS"), its
// integer id below. BOS and EOS have a coloured border wherever they appear, and a character
// outside the vocabulary is marked as such instead of having an id.
//
//   tokenChip({ label: 'e', id: 4 })
//   tokenChip({ label: 'BOS', id: 26, kind: 'bos' })
//   tokenChip({ label: 'E', kind: 'unknown', note: '!' })
//   chipForId(id, info.vocab)      // the script's own label and kind for a token id
import { el } from './dom.js';
import { tokenKind, tokenLabel } from './vocab.js';

// `kind`: 'char' | 'bos' | 'eos' | 'unknown'; `note` replaces the id line of an unknown character.
/**
 * @param {{label: string, id?: number | null, kind?: string, note?: string, title?: string, small?: boolean}} chip
 */
export function tokenChip({ label, id, kind = 'char', note = '?', title, small = false }) {
  const chip = el(
    'span',
    {
      className: `token-chip ${kind}${small ? ' small' : ''}`,
      title,
      dataset: { kind, ...(id != null ? { id: String(id) } : {}) },
    },
    [el('span', 'token-label', label === ' ' ? '␣' : label), el('span', 'token-id', id != null ? String(id) : note)],
  );
  return chip;
}

// The chip for a token id, given the script's vocabulary (info.vocab).
export function chipForId(id, vocab, options = {}) {
  return tokenChip({ label: tokenLabel(vocab, id), id, kind: tokenKind(vocab, id), ...options });
}
