// Building SVG nodes: svg('rect', {x: 0, width: 10}, 'optional text'). Text is set as text.

// The SVG namespace: an identifier that looks like a URL; nothing is ever fetched from it.
const NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text != null) node.textContent = text;
  return node;
}
