// A box that scrolls (a wide chart on a phone, a tall diagram) fades out at each edge that has
// more beyond it, so a drawing cut by the box's edge never looks finished. The box gets
// data-more="left right top bottom" (whichever apply) and styles/components.css draws the fade.
//
//   scrollCue(box)   -> box, watched from then on: its scrolling, its size and its content
//                       (a redraw that makes the content wider or narrower)

const EDGE_SLACK = 2; // px: a scroll position within this of an edge counts as at the edge

function edges(box) {
  const more = [];
  const maxX = box.scrollWidth - box.clientWidth;
  const maxY = box.scrollHeight - box.clientHeight;
  if (maxX > EDGE_SLACK) {
    if (box.scrollLeft > EDGE_SLACK) more.push('left');
    if (box.scrollLeft < maxX - EDGE_SLACK) more.push('right');
  }
  if (maxY > EDGE_SLACK) {
    if (box.scrollTop > EDGE_SLACK) more.push('top');
    if (box.scrollTop < maxY - EDGE_SLACK) more.push('bottom');
  }
  return more.join(' ');
}

export function scrollCue(box) {
  // Measured once per frame at most, and only while the box is on screen: reading its sizes
  // off screen would lay out a chapter the browser skips (content-visibility), and a redraw
  // during training changes the content many times a second. The mark is written from
  // requestAnimationFrame, never from an observer's callback.
  let visible = false;
  let queued = false;
  const check = () => {
    if (queued || !visible) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      const more = edges(box);
      if ((box.dataset.more ?? '') !== more) box.dataset.more = more;
    });
  };
  // No ResizeObserver: the box's own size follows the window's (resize), and another view's
  // ResizeObserver on the same box (js/ui/dag.js) would share its loop, which Firefox reports
  // as an error when the two change sizes in one frame.
  new IntersectionObserver(([entry]) => {
    visible = entry.isIntersecting;
    check();
  }).observe(box);
  new MutationObserver(check).observe(box, { childList: true, subtree: true, characterData: true, attributes: true });
  box.addEventListener('scroll', check, { passive: true });
  window.addEventListener('resize', check, { passive: true });
  box.classList.add('scroll-cue');
  return box;
}
