// One floating tooltip for the whole page: widgets call show(text or nodes, x, y) on hover and
// hide() on leave. Content is set as text (or given DOM nodes), never as HTML.
let tip = null;

function element() {
  if (!tip) {
    tip = document.createElement('div');
    tip.className = 'tooltip';
    tip.setAttribute('role', 'tooltip');
    tip.hidden = true;
    document.body.append(tip);
  }
  return tip;
}

// `content`: a string (may contain "\n") or an array of lines / DOM nodes.
export function showTooltip(content, clientX, clientY) {
  const el = element();
  const parts = Array.isArray(content) ? content : String(content).split('\n');
  el.replaceChildren(...parts.map((part) => {
    if (part instanceof Node) return part;
    const line = document.createElement('div');
    line.textContent = part;
    return line;
  }));
  el.hidden = false;
  const pad = 14;
  const { width, height } = el.getBoundingClientRect();
  const x = Math.min(clientX + pad, window.innerWidth - width - 8);
  const y = clientY + pad + height > window.innerHeight ? clientY - height - pad : clientY + pad;
  el.style.transform = `translate(${Math.max(8, x)}px, ${Math.max(8, y)}px)`;
}

export function hideTooltip() {
  if (tip) tip.hidden = true;
}

// A "?" button next to a term: its explanation shows on hover and on keyboard focus.
export function helpMarker(term, explanation) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'help-marker';
  button.textContent = '?';
  button.setAttribute('aria-label', `What is ${term}?`);
  const text = `${term}: ${explanation}`;
  const show = () => {
    const r = button.getBoundingClientRect();
    showTooltip(text, r.right, r.bottom);
  };
  button.addEventListener('mouseenter', show);
  button.addEventListener('focus', show);
  button.addEventListener('mouseleave', hideTooltip);
  button.addEventListener('blur', hideTooltip);
  return button;
}
