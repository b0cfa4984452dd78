// Makes a jump within the page land on its target. A smooth scroll aims once, when it starts,
// but the page's height is not settled then: chapters far from the window are not laid out
// (content-visibility, styles/layout.css) and stand in at an estimated height until they are,
// and sections grow as Python's data arrives. Left alone, the chapter list's first jump to the
// Glossary stopped 600-1,500 px short (5,000-6,000 px on a phone). So a jump is followed frame
// by frame until it has settled on its target:
// - while the scroll runs, it is re-aimed at where the target is now;
// - if it stopped short, one instant correction;
// - once there, the target is held in place a little longer (the chapters around it are being
//   laid out for the first time), until the reader scrolls, types or clicks, or the page is
//   scrolled elsewhere.
//
//   followLinks()       // every link to "#id" in the page, and the address's #id at load
//   landOn(element)     // after the caller scrolled to element itself (js/ui/glossary.js)

const HOLD_MS = 1500; // how long a target is held after it is reached
const HOLD_AT_LOAD_MS = 12_000; // an address's target: while Python boots and the sections redraw
const LANDING_MS = 8000; // a jump that has not landed by then (after its hold) is left as it is
const NEAR = 2; // px: close enough
const CLOSE = 8; // px: close enough when the scroll will not come nearer

// What ends the following: the reader taking over.
const READER_INPUTS = ['wheel', 'touchstart', 'keydown', 'mousedown'];

// Where the browser puts a scrolled-to element's top: below the page's scroll-padding and the
// element's own scroll-margin (read once per jump: a style read per frame would cost layout).
function landingOffset(element) {
  const padding = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
  return padding + (parseFloat(getComputedStyle(element).scrollMarginTop) || 0);
}

export function landOn(element, { holdMs = HOLD_MS } = {}) {
  const offset = landingOffset(element);
  const start = performance.now();
  let released = false;
  const release = () => {
    released = true;
  };
  for (const type of READER_INPUTS) window.addEventListener(type, release, { once: true, passive: true, capture: true });
  let lastY = NaN;
  let lastGap = 0; // how far the scroll was from the target at the last frame
  let idleFrames = 0; // frames in a row in which the page did not scroll
  let aim = null; // where this module last sent the scroll
  let retried = false; // sent there again after stopping short
  let reachedAt = null;

  const check = () => {
    const now = performance.now();
    const y = window.scrollY;
    const moved = Number.isNaN(lastY) ? 0 : y - lastY;
    idleFrames = moved === 0 ? idleFrames + 1 : 0;
    lastY = y;
    const bottom = document.documentElement.scrollHeight - window.innerHeight; // the page's end: no further
    const wanted = Math.max(0, Math.min(bottom, y + element.getBoundingClientRect().top - offset));
    const gap = wanted - y;
    // A jump of over half a window away from the target, in one frame: someone scrolled the page
    // elsewhere on purpose (a scrolling jump moves towards it; scroll anchoring moves the page
    // and the target together; a chapter growing on the way moves only the target).
    const away = Math.abs(lastGap) <= NEAR || Math.sign(moved) !== Math.sign(lastGap);
    const half = window.innerHeight / 2;
    const elsewhere = Math.abs(moved) > half && away && Math.abs(gap) > Math.abs(lastGap) + half;
    lastGap = gap;
    if (elsewhere) {
      released = true;
    } else if (Math.abs(gap) <= NEAR) {
      reachedAt ??= now;
    } else if (idleFrames >= 3 && retried && Math.abs(gap) <= CLOSE) {
      reachedAt ??= now; // stopped twice just short of the same place: as near as it gets
    } else if (aim === null || Math.abs(wanted - aim) > NEAR || idleFrames >= 3) {
      // Scrolling towards a place the target has left, or stopped short of it: aim again from
      // where the scroll is now, in the page's manner (smooth; instant under reduced motion).
      retried = aim !== null && Math.abs(wanted - aim) <= NEAR;
      window.scrollTo({ top: wanted, behavior: 'auto' });
      aim = wanted;
      idleFrames = 0;
      reachedAt = null;
    }
    const done = released || now - start > holdMs + LANDING_MS || (reachedAt !== null && now - reachedAt > holdMs);
    if (done) for (const type of READER_INPUTS) window.removeEventListener(type, release, { capture: true });
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

function targetOf(hash) {
  if (hash.length < 2) return null;
  try {
    return document.getElementById(decodeURIComponent(hash.slice(1)));
  } catch {
    return null; // a malformed %-escape: not an address this page made
  }
}

export function followLinks() {
  // Links: the browser scrolls as usual (the click's default); this follows that scroll.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    const target = link && targetOf(link.getAttribute('href'));
    if (target) landOn(target);
  });
  // An address with #id (a shared link to a chapter): the browser jumped while the page was
  // still being read, before the sections drew; keep the target there while they draw, Python
  // boots and they draw again.
  const target = targetOf(location.hash);
  if (target) {
    target.scrollIntoView({ block: 'start', behavior: 'instant' });
    landOn(target, { holdMs: HOLD_AT_LOAD_MS });
  }
}
