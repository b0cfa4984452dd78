// A token drawn as a small chip: what it stands for on top (a character, or "BOS"), its
// integer id below. The BOS token has a coloured border wherever it appears, and a character
// outside the vocabulary is marked as such instead of having an id.
//
//   tokenChip({ label: 'e', id: 4 })
//   tokenChip({ label: 'BOS', id: 26, kind: 'bos' })
//   tokenChip({ label: 'E', kind: 'unknown', note: 'not in uchars' })
import { el } from './dom.js';

// `kind`: 'char' | 'bos' | 'unknown'; `note` replaces the id line of an unknown character.
export function tokenChip({ label, id, kind = 'char', note = '?', title, small = false }) {
  const chip = el('span', {
    className: `token-chip ${kind}${small ? ' small' : ''}`,
    title,
    dataset: { kind, ...(id != null ? { id: String(id) } : {}) },
  }, [
    el('span', 'token-label', label === ' ' ? '␣' : label),
    el('span', 'token-id', id != null ? String(id) : note),
  ]);
  return chip;
}

// The chip for a token id, given the script's vocabulary: uchars[id], or BOS.
export function chipForId(id, { uchars, BOS }, options = {}) {
  if (id === BOS) return tokenChip({ label: 'BOS', id, kind: 'bos', ...options });
  return tokenChip({ label: uchars[id] ?? '?', id, ...options });
}
