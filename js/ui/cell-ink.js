// Which ink (black or white) reads on a vector cell's fill. The fill is the heatmap scale's
// zero colour mixed with the sign's colour in proportion to |value| (CSS color-mix in sRGB), so
// light text on a dark cell turns unreadable once the cell is nearly the full hue: past the
// point where black gives the better contrast, the number is printed in black. Pure black and
// white meet at a contrast ratio above 4.5 (WCAG AA) on either side of that point.
//
//   cellInk(0.8, 'pos')  // 'dark' | 'light'
let colors = null; // {zero, pos, neg} as [r, g, b], read once from the stylesheet

function readColors() {
  // A probe in the document: the scale's colours are custom properties of .vc-grid (heatmap.css).
  const probe = document.createElement('div');
  probe.className = 'vc-grid';
  probe.hidden = true;
  document.body.append(probe);
  const style = getComputedStyle(probe);
  const read = (name) => parseHex(style.getPropertyValue(name));
  const result = { zero: read('--heat-zero'), pos: read('--heat-positive'), neg: read('--heat-negative') };
  probe.remove();
  return result;
}

function parseHex(text) {
  const hex = /#([0-9a-f]{6})/i.exec(text)?.[1];
  return hex ? [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) : null;
}

// WCAG relative luminance of an sRGB colour.
function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// `t`: the fill's share of the sign's colour, 0..1 (the --vc-mix of the cell, rounded to a percent).
export function cellInk(t, sign) {
  colors ??= readColors();
  const end = colors[sign];
  if (!colors.zero || !end) return 'light';
  const fill = colors.zero.map((z, i) => Math.round(z + (end[i] - z) * t));
  const lum = luminance(fill);
  // Contrast with white: 1.05 / (L + 0.05); with black: (L + 0.05) / 0.05. Take the larger.
  return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? 'dark' : 'light';
}
