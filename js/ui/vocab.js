// The script's vocabulary as the bridge reads it (info.vocab): one label per token id, and which
// ids are special. Every chapter labels tokens through here, so a token reads the same everywhere
// and follows the script (`uchars[i]`, `itos[i]`, '<BOS>', a separate EOS).
//
//   tokenLabel(vocab, id)  -> 'e', 'BOS', '<EOS>'
//   tokenKind(vocab, id)   -> 'bos' | 'eos' | 'char'
//   isSpecial(vocab, id)   -> true for BOS and EOS

export function tokenKind(vocab, id) {
  if (vocab && id === vocab.bos) return 'bos';
  if (vocab && id === vocab.eos) return 'eos';
  return 'char';
}

export function isSpecial(vocab, id) {
  return tokenKind(vocab, id) !== 'char';
}

export function tokenLabel(vocab, id) {
  const label = vocab?.labels?.[id];
  if (label != null) return label;
  return `#${id}`;
}

// What a special token is for, in the words the chapters use.
export function specialNote(vocab, id) {
  const kind = tokenKind(vocab, id);
  if (kind === 'bos' && vocab.eos == null) return 'not a character: it marks where a document starts and ends';
  if (kind === 'bos') return 'not a character: it marks where a document starts';
  if (kind === 'eos') return 'not a character: it marks where a document ends';
  return '';
}
