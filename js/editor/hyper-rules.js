// The hyperparameter fields: which constants, how each is read from a field, and the
// combinations the script itself would reject (checked before running, with a reason).
export const FIELDS = [
  { name: 'n_layer', label: 'layers', kind: 'int', min: 1, max: 4, help: 'transformer blocks' },
  { name: 'n_embd', label: 'embedding size', kind: 'int', min: 1, max: 64, help: 'numbers per token vector' },
  { name: 'n_head', label: 'heads', kind: 'int', min: 1, max: 16, help: 'attention heads; must divide n_embd' },
  { name: 'block_size', label: 'context', kind: 'int', min: 1, max: 64, help: 'longest context the model sees' },
  { name: 'num_steps', label: 'training steps', kind: 'int', min: 1, max: 100000, help: 'steps of the training loop' },
  { name: 'learning_rate', label: 'learning rate', kind: 'float', min: 1e-6, max: 1, help: "Adam's step size" },
  { name: 'temperature', label: 'temperature', kind: 'float', min: 0.01, max: 5, help: 'sampling sharpness' },
];

// values: {name: text}. Returns {values: {name: number}, problems: [text]}.
export function check(texts) {
  const values = {};
  const problems = [];
  for (const field of FIELDS) {
    const text = String(texts[field.name] ?? '').trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) { problems.push(`${field.name} must be a number.`); continue; }
    if (field.kind === 'int' && !Number.isInteger(value)) { problems.push(`${field.name} must be a whole number.`); continue; }
    if (value < field.min || value > field.max) { problems.push(`${field.name} must be between ${field.min} and ${field.max}.`); continue; }
    values[field.name] = value;
  }
  if (values.n_embd && values.n_head && values.n_embd % values.n_head !== 0) {
    problems.push(`n_embd (${values.n_embd}) must be divisible by n_head (${values.n_head}): each head gets n_embd // n_head numbers.`);
  }
  return { values, problems };
}

// The Python literal written into the script: ints as ints, floats keeping a decimal point.
export function literal(field, value) {
  if (field.kind === 'int') return String(value);
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}
