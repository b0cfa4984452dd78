// A box that scrolls (a wide chart on a phone, a tall diagram) fades out at each edge that has
// more beyond it, so a drawing cut by the box's edge never looks finished. The box gets
// data-more="left right top bottom" (whichever apply) and styles/components.css draws the fade.
//
//   scrollCue(box)   -> box, watched from then on: its scrolling, its size and its children's
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
  // Read only when the layout is fresh anyway: after a scroll, and in ResizeObserver callbacks,
  // which run after layout and never for a box whose chapter is not rendered (content-visibility),
  // so a redraw off screen during training costs nothing here.
  const update = () => {
    const more = edges(box);
    if ((box.dataset.more ?? '') !== more) box.dataset.more = more;
  };
  const sizes = new ResizeObserver(update);
  sizes.observe(box);
  // The content's size: the box's children, which a redraw may replace.
  const watch = (records = []) => {
    for (const record of records) for (const gone of record.removedNodes) if (gone.nodeType === 1) sizes.unobserve(gone);
    for (const child of box.children) sizes.observe(child);
  };
  watch();
  new MutationObserver(watch).observe(box, { childList: true });
  box.classList.add('scroll-cue');
  box.addEventListener('scroll', update, { passive: true });
  return box;
}
