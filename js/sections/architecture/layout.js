// Chapter 4: the diagram's structure and geometry, from the bridge's `outline` of the model.
//
// The outline lists the statements of the model and of the functions it calls that call others,
// for the first layer and head, with each one's flow (embed, attn, mlp, out, layer), whether it
// runs inside the layer loop or a head, and, for a statement of a called function, the
// statement that called it. From that alone:
//   - the statements inside the layer loop form one layer box, "× n" for the n layers the trace
//     went through; those inside a head, one "× heads" box; a loop header is its box's title
//     (its step lights the box);
//   - a statement that called a function of the script (Block.__call__, Attention.__call__)
//     comes right after a box of that function's statements: its call;
//   - in a layer box, the runs of attention and of MLP statements get a frame of their colour;
//   - statements doing the same thing to different data (same shape of code: q, k, v) sit side
//     by side.
// The layout is plain data ({boxes, frames, height}); architecture/diagram.js draws it.
//
//   const layout = layOut(outline, { width, seen, layers: {count, heads}, tail: {title, label, full, size} });
//   seen: statement key -> its first step in the trace (architecture/steps.js firstOfEach), for sizes

import { boxLabel, boxSize, codeShape, commonPrefix, isBareReturn, isLoopHeader, isMinor, statementText, targetOf } from './labels.js';

// Laid out for 12 px text (no text on the page is smaller), drawn at its natural size: the
// diagram is never scaled down to fit (architecture/diagram.js gives the width).
export const FONT_PX = 12;
export const CHAR_W = 7.25; // px per character of the 12 px code font (a monospace advance is ~0.6 em)
const BOX_H = 21;
const MINOR_H = 17;
const GAP = 4; // between rows
export const TITLE_H = 17; // a frame's title line
const PAD = 5; // inside a frame, under its last row
const INDENT = 6; // a nested frame's inset on each side
const SIDE_GAP = 3; // between boxes of one row

const keyOf = (item) => `${item.func}:${item.line}`;

// The outline as a tree: each statement with the statements of the functions it called.
export function outlineTree(items) {
  const nodes = new Map(items.map((item) => [keyOf(item), { key: keyOf(item), item, callees: [] }]));
  const top = [];
  for (const item of items) {
    const node = nodes.get(keyOf(item));
    const caller = item.caller ? nodes.get(`${item.caller[0]}:${item.caller[1]}`) : null;
    (caller && caller !== node ? caller.callees : top).push(node);
  }
  return top;
}

// Runs of consecutive nodes for which `test` holds, as [{run: true, nodes}] between single nodes.
function runs(nodes, test) {
  const out = [];
  for (const node of nodes) {
    const last = out.at(-1);
    if (test(node) && last?.run) last.nodes.push(node);
    else out.push(test(node) ? { run: true, nodes: [node] } : node);
  }
  return out;
}

function sideBySide(a, b) {
  if (!a || !b || a.callees.length || b.callees.length || isLoopHeader(a.item) || isLoopHeader(b.item)) return false;
  const [x, y] = [a.item, b.item];
  if (x.flow !== y.flow || x.in_head !== y.in_head || isMinor(x) !== isMinor(y)) return false;
  // Two lookups (the token's row, the position's row), or the same shape of code.
  const lookups = (x.lookups ?? []).length === 1 && (y.lookups ?? []).length === 1;
  if (!lookups && codeShape(x) !== codeShape(y)) return false;
  // Not when the second reads what the first made (`x = f(x)` twice runs one after the other).
  const target = targetOf(x);
  return !target || !target.split(', ').some((t) => new RegExp(`\\b${t.replace(/\./g, '\\.')}\\b`).test(statementText(y)));
}

// The elements of one sequence: {type: 'row', nodes} | {type: 'group', kind, key, title, flow, count, children}.
function structure(nodes, context, layers) {
  let parts = nodes.filter((n) => !isBareReturn(n.item) || n.callees.length);
  // The layer loop's statements, where they start; inside, the heads' statements.
  if (!context.inLayer) {
    parts = runs(parts, (p) => p.item.in_layer).map((p) => (p.run ? group('layer', p.nodes, { ...context, inLayer: true }, layers) : p));
  }
  if (!context.inHead) {
    parts = runs(parts, (p) => !p.type && p.item.in_head).map((p) =>
      p.run ? group('heads', p.nodes, { ...context, inHead: true }, layers) : p,
    );
  }
  // A statement that called a structural function: that function's box, then the statement.
  parts = parts.flatMap((p) => {
    if (p.type || !p.callees.length) return [p];
    const sub = { ...context, flow: p.item.flow };
    return [
      {
        type: 'group',
        kind: 'call',
        key: null,
        title: p.callees[0].item.func,
        flow: p.item.flow,
        children: structure(p.callees, sub, layers),
      },
      p,
    ];
  });
  // In a layer, the runs of attention and of MLP statements framed in their colours (unless a
  // function's box already frames them).
  if (context.inLayer && !['attn', 'mlp'].includes(context.flow)) parts = stages(parts);
  return rows(parts);
}

function flowOf(part) {
  if (part.type === 'group') return part.kind === 'heads' ? 'attn' : null;
  return isLoopHeader(part.item) ? null : part.item.flow;
}

function stages(parts) {
  const out = [];
  for (const part of parts) {
    const flow = flowOf(part);
    const last = out.at(-1);
    if ((flow === 'attn' || flow === 'mlp') && last?.stage === flow) last.parts.push(part);
    else out.push(flow === 'attn' || flow === 'mlp' ? { stage: flow, parts: [part] } : part);
  }
  return out.flatMap((s) => {
    if (!s.stage) return [s];
    if (s.parts.length < 2) return s.parts;
    return [{ type: 'group', kind: 'stage', key: null, title: null, flow: s.stage, children: rows(s.parts) }];
  });
}

// Boxes side by side when they do the same thing; groups as they are.
function rows(parts) {
  const out = [];
  for (const p of parts) {
    const last = out.at(-1);
    if (p.type === 'row' || p.type === 'group') out.push(p);
    else if (last?.type === 'row' && last.nodes.length < 3 && sideBySide(last.nodes.at(-1), p)) last.nodes.push(p);
    else out.push({ type: 'row', nodes: [p] });
  }
  return out;
}

function group(kind, nodes, context, layers) {
  const header = nodes.find((n) => isLoopHeader(n.item) && !n.callees.length);
  const rest = nodes.filter((n) => n !== header);
  const count = kind === 'layer' ? layers?.count : layers?.heads;
  return {
    type: 'group',
    kind,
    key: header?.key ?? null,
    title: header ? statementText(header.item).replace(/:$/, '') : null,
    flow: kind === 'heads' ? 'attn' : 'layer',
    count,
    children: structure(rest, { ...context, flow: kind === 'heads' ? 'attn' : context.flow }, layers),
  };
}

export function layOut(outline, { width = 320, seen = new Map(), layers = outline?.layers, tail = null } = {}) {
  const boxes = [];
  const frames = [];
  const place = (elements, x, w, y) => {
    for (const element of elements) {
      if (element.type === 'row') {
        y = placeRow(element.nodes, x, w, y);
        continue;
      }
      const titled = element.title != null || element.count != null;
      const frame = { key: element.key, kind: element.kind, flow: element.flow, title: element.title, count: element.count, x, y, w };
      frames.push(frame);
      const top = y + (titled ? TITLE_H : PAD);
      const bottom = place(element.children, x + INDENT, w - 2 * INDENT, top);
      frame.h = bottom - y + PAD - GAP;
      y = y + frame.h + GAP;
    }
    return y;
  };
  const placeRow = (nodes, x, w, y) => {
    const h = nodes.every((n) => isMinor(n.item)) ? MINOR_H : BOX_H;
    const each = (w - SIDE_GAP * (nodes.length - 1)) / nodes.length;
    // The matrix each box names: the one the trace saw in the layer drawn, else the outline's.
    const matrices = nodes.map(
      (n) => seen.get(n.key)?.calls.find((c) => c.matrix && !c.lookup)?.matrix ?? n.item.matrices?.[0] ?? n.item.lookups?.[0]?.matrix ?? '',
    );
    const named = nodes.length > 1 && matrices.every(Boolean);
    // The names the row's boxes share are said once, by the frame around them: first down to a
    // '.', then, where a label would still be cut, down to the last '_' as well.
    const strips = named ? [...new Set([commonPrefix(matrices), commonPrefix(matrices, { deep: true })])] : [''];
    const sizes = nodes.map((node) => boxSize(node.item, seen.get(node.key)));
    // Side by side with the same size: said once, on the last box. The row's labels all take the
    // form that fits the narrowest room, so they read alike.
    const same = sizes.every((z) => z === sizes[0]);
    const room = each - 9 - Math.max(...sizes.map((z) => (z ? z.length * CHAR_W + 8 : 0)));
    const chars = Math.floor(room / CHAR_W);
    const labelsWith = (strip) => nodes.map((node) => boxLabel(node.item, seen.get(node.key), { chars, strip }));
    const tries = strips.map(labelsWith);
    const labels = tries.find((t) => !t.some((l) => l.label.endsWith('…'))) ?? tries.at(-1);
    nodes.forEach((node, i) => {
      const size = same && i < nodes.length - 1 ? '' : sizes[i];
      const { label, full } = labels[i];
      boxes.push({
        key: node.key,
        item: node.item,
        flow: node.item.flow,
        minor: h === MINOR_H,
        label,
        full,
        size,
        x: x + i * (each + SIDE_GAP),
        y,
        w: each,
        h,
        residual: Boolean(node.item.residual && node.item.in_layer),
      });
    });
    return y + h + GAP;
  };
  const tree = outlineTree(outline?.outline ?? []);
  let height = place(structure(tree, { inLayer: false, inHead: false, flow: null }, layers), 0, width, 0);
  if (tail) {
    // What the loop body does with the call's result: a box of its own, outside the model's.
    const frame = { key: null, kind: 'tail', flow: 'out', title: tail.title, x: 0, y: height, w: width };
    frames.push(frame);
    const top = height + TITLE_H;
    boxes.push({
      key: 'final',
      item: null,
      flow: 'out',
      minor: false,
      label: tail.label,
      full: tail.full,
      size: tail.size,
      x: INDENT,
      y: top,
      w: width - 2 * INDENT,
      h: BOX_H,
      residual: false,
    });
    frame.h = TITLE_H + BOX_H + PAD;
    height += frame.h + GAP;
  }
  return { boxes, frames, height, width };
}
