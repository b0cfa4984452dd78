// The learning-rate schedule's shape, from the script itself: its `lr_t = ...` line (found
// inside the training loop the bridge located in the AST) is evaluated by Python for a sample
// of loop indices. The page never restates the formula. Resolves {xs, ys} with xs as step
// records count steps (1-based), or null when the script has no such line.
const SAMPLES = 200;

export async function lrShape(ctx, source, info) {
  const range = info.phases?.train;
  if (!range) return null;
  const lines = source.split('\n').slice(range[0] - 1, range[1]);
  const loopVar = /^\s*for\s+([A-Za-z_]\w*)\s+in\b/.exec(lines[0] ?? '')?.[1];
  const assign = lines.map((l) => /^\s*lr_t\s*=\s*([^#]+?)\s*(#.*)?$/.exec(l)).find(Boolean);
  if (!loopVar || !assign) return null;
  const every = Math.max(1, Math.floor(info.hyper.num_steps / SAMPLES));
  const code = `[(s + 1, (lambda ${loopVar}: ${assign[1]})(s)) for s in list(range(0, num_steps, ${every})) + [num_steps - 1]]`;
  const { repr } = await ctx.rpc.call('eval', { code });
  // A list of (int, float) tuples: Python's repr is JSON once the parentheses are brackets.
  const pairs = JSON.parse(repr.replaceAll('(', '[').replaceAll(')', ']'));
  return { xs: pairs.map((p) => p[0]), ys: pairs.map((p) => p[1]) };
}
