// A small Python colouring for code panels: splits one line into tokens (keyword, string,
// comment, number, name, other) that the panel renders as text spans. It colours; it does not
// parse, so a rare edge case (a string spanning lines) is merely shown plain.
const KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except ' +
    'finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);
const BUILTINS = new Set('print len range sum max min zip enumerate sorted set list dict open float int isinstance'.split(' '));
const TOKEN =
  /(#.*$)|([rbfRBF]{0,2}'(?:[^'\\]|\\.)*'|[rbfRBF]{0,2}"(?:[^"\\]|\\.)*")|(\b\d[\d_]*\.?\d*(?:e-?\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)|(\s+)|(.)/g;

export function tokenizeLine(line) {
  const tokens = [];
  for (const m of line.matchAll(TOKEN)) {
    let kind = 'other';
    if (m[1]) kind = 'comment';
    else if (m[2]) kind = 'string';
    else if (m[3]) kind = 'number';
    else if (m[4]) kind = KEYWORDS.has(m[4]) ? 'keyword' : BUILTINS.has(m[4]) ? 'builtin' : 'name';
    else if (m[5]) kind = 'space';
    const last = tokens.at(-1);
    if (last && last.kind === kind && (kind === 'other' || kind === 'space')) last.text += m[0];
    else tokens.push({ kind, text: m[0] });
  }
  return tokens;
}
