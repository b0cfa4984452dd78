// The hyperparameter fields: one per numeric constant the script sets (the bridge's `constants`:
// top-level assignments and argparse defaults, in source order), how each is read back from its
// field, and the Python literal written into the script. The script's own type decides the
// rule: an int stays a whole number, a float any finite number. What the numbers mean together
// (a head count that must divide a width, say) is the script's to check: a Run that fails keeps
// the model that ran before, with the script's own error.

// constants: {name: {value, kind, help, line...}} -> [{name, kind, help, value}] in source order.
export function fieldsOf(constants) {
  return Object.entries(constants ?? {})
    .filter(([, c]) => c.kind === 'int' || c.kind === 'float')
    .sort(([, a], [, b]) => a.line - b.line || a.col - b.col)
    .map(([name, c]) => ({ name, kind: c.kind, help: c.help ?? '', value: c.value }));
}

// fields: from fieldsOf; texts: {name: text}. Returns {values: {name: number}, problems: [text]}.
export function check(fields, texts) {
  const values = {};
  const problems = [];
  for (const field of fields) {
    const text = String(texts[field.name] ?? '').trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) {
      problems.push(`${field.name} must be a number.`);
      continue;
    }
    if (field.kind === 'int' && !Number.isInteger(value)) {
      problems.push(`${field.name} must be a whole number (the script has an int).`);
      continue;
    }
    values[field.name] = value;
  }
  return { values, problems };
}

// The Python literal written into the script: ints as ints, floats keeping a decimal point.
export function literal(field, value) {
  if (field.kind === 'int') return String(value);
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}
