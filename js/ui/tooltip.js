// One floating tooltip for the whole page: widgets call show(text or nodes, x, y) on hover and
// hide() on leave. Content is set as text (or given DOM nodes), never as HTML.
const TIP_ID = 'page-tooltip';
let tip = null;
let owner = null; // the "?" marker whose explanation is showing: described by the tooltip meanwhile
let ownerAt = ''; // where that marker was last placed beside ("right,bottom")
let following = false; // a followOwner frame loop is running
let leaving = 0; // timer: the pointer left a marker; the tooltip closes unless it reaches the tooltip
const GRACE_MS = 300; // time to move the pointer from a "?" onto its tooltip (WCAG 1.4.13: hoverable)

function element() {
  if (!tip) {
    tip = document.createElement('div');
    tip.className = 'tooltip';
    tip.id = TIP_ID;
    tip.setAttribute('role', 'tooltip');
    tip.hidden = true;
    document.body.append(tip);
    // Escape dismisses whatever tooltip shows, without moving focus (WCAG 1.4.13).
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !tip.hidden) hideTooltip();
    });
    // A marker's tooltip can be hovered (to read it, select its text) and stays open meanwhile.
    tip.addEventListener('mouseenter', () => clearTimeout(leaving));
    tip.addEventListener('mouseleave', () => {
      if (owner) hideSoon();
    });
  }
  return tip;
}

// `content`: a string (may contain "\n") or an array of lines / DOM nodes.
export function showTooltip(content, clientX, clientY) {
  const el = element();
  clearTimeout(leaving);
  releaseOwner();
  const parts = Array.isArray(content) ? content : String(content).split('\n');
  el.replaceChildren(
    ...parts.map((part) => {
      if (part instanceof Node) return part;
      const line = document.createElement('div');
      line.textContent = part;
      return line;
    }),
  );
  el.hidden = false;
  place(clientX, clientY);
}

function place(clientX, clientY) {
  const pad = 14;
  const { width, height } = tip.getBoundingClientRect();
  const x = Math.min(clientX + pad, window.innerWidth - width - 8);
  const y = clientY + pad + height > window.innerHeight ? clientY - height - pad : clientY + pad;
  tip.style.transform = `translate(${Math.max(8, x)}px, ${Math.max(8, y)}px)`;
}

// While a marker's tooltip is open, it stays beside the marker: the page may scroll (the browser
// scrolls a focused element into view only after its focus event) or grow as sections draw.
// One rect read per frame, only while a marker's tooltip shows.
function followOwner() {
  following = Boolean(owner) && !tip.hidden;
  if (!following) return;
  if (!owner.isConnected) {
    hideTooltip();
    following = false;
    return;
  }
  const r = owner.getBoundingClientRect();
  if (`${r.right},${r.bottom}` !== ownerAt) {
    ownerAt = `${r.right},${r.bottom}`;
    place(r.right, r.bottom);
  }
  requestAnimationFrame(followOwner);
}

export function hideTooltip() {
  clearTimeout(leaving);
  if (tip) tip.hidden = true;
  releaseOwner();
}

function hideSoon() {
  clearTimeout(leaving);
  leaving = setTimeout(hideTooltip, GRACE_MS);
}

function releaseOwner() {
  owner?.removeAttribute('aria-describedby');
  owner = null;
  tip?.classList.remove('is-owned');
}

// A "?" button next to a term: its explanation shows on hover and on keyboard focus, and
// screen readers hear it as the marker's description. With `href` the marker is a link (to the
// term's glossary entry); `more`: further lines or DOM nodes shown under the explanation. An
// `explanation` given as a DOM node is shown as it is, without the "term: " prefix.
export function helpMarker(term, explanation, { href = null, more = [] } = {}) {
  const button = href
    ? Object.assign(document.createElement('a'), { href })
    : Object.assign(document.createElement('button'), { type: 'button' });
  button.className = 'help-marker';
  button.textContent = '?';
  button.setAttribute('aria-label', `What is ${term}?`);
  const text = [explanation instanceof Node ? explanation : `${term}: ${explanation}`, ...more];
  const show = () => {
    clearTimeout(leaving);
    if (owner === button && !tip.hidden) return; // back from its own tooltip: already showing
    const r = button.getBoundingClientRect();
    showTooltip(text, r.right, r.bottom);
    owner = button;
    tip.classList.add('is-owned');
    ownerAt = `${r.right},${r.bottom}`;
    button.setAttribute('aria-describedby', TIP_ID);
    if (!following) {
      following = true;
      requestAnimationFrame(followOwner);
    }
  };
  // A link click scrolls the page away from the marker: the tooltip must not stay behind.
  if (href) button.addEventListener('click', hideTooltip);
  button.addEventListener('mouseenter', show);
  button.addEventListener('focus', show);
  button.addEventListener('mouseleave', hideSoon);
  button.addEventListener('blur', () => {
    if (!tip.matches(':hover')) hideTooltip();
  });
  return button;
}
