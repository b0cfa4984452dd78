// Keeps what the reader is looking at in place when a chapter above it changes height: the
// sections draw after Python answers (late on a slow machine) and redraw after training steps,
// and a chapter that grows above the window would push the page down under the reader.
// Chromium and Firefox prevent that themselves (CSS scroll anchoring); WebKit does not, so this
// is installed only where `overflow-anchor` is unsupported.
//
//   keepReadingPosition(chapters)   // the page's chapters, in document order

export function keepReadingPosition(chapters) {
  if (typeof ResizeObserver !== 'function' || CSS.supports?.('overflow-anchor', 'auto')) return false;
  const heights = new Map();
  const order = new Map(chapters.map((chapter, i) => [chapter, i]));
  // A chapter can change size in one task and the window scroll in the next (a link, a
  // scrollIntoView), before the frame that reports the change: that scroll already landed on
  // the new layout, and "wholly above the window" would be judged from where it landed. So in a
  // frame that scrolled (not by this module), changes are only recorded. Scroll events come
  // before the frame's animation callbacks and its layout; the flag ends with the next frame.
  let scrolled = false;
  let ownY = null;
  window.addEventListener(
    'scroll',
    () => {
      if (Math.round(window.scrollY) === ownY) return;
      scrolled = true;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          scrolled = false;
        }),
      );
    },
    { passive: true },
  );
  // Called after layout, before paint: scrolling here leaves no frame with the page jumped.
  const observer = new ResizeObserver((entries) => {
    const stale = scrolled;
    let moved = 0; // how far the chapters met so far pushed the next ones down
    let shift = 0;
    for (const entry of [...entries].sort((a, b) => order.get(a.target) - order.get(b.target))) {
      const height = entry.target.getBoundingClientRect().height;
      const before = heights.get(entry.target);
      heights.set(entry.target, height);
      if (before === undefined || height === before || stale) continue;
      const change = height - before;
      // Wholly above the window before the change: all that is on screen moved by it.
      if (entry.target.getBoundingClientRect().bottom - moved - change <= 0) shift += change;
      moved += change;
    }
    // 'instant': the page's smooth scroll-behavior would otherwise animate the correction.
    if (shift) {
      window.scrollBy({ top: shift, behavior: 'instant' });
      ownY = Math.round(window.scrollY);
    }
  });
  for (const chapter of chapters) observer.observe(chapter);
  return true;
}
