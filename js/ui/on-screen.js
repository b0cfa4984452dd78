// Redraws that follow the model (one per training step, several a second) are only worth their
// cost for a chapter the learner can see, and not at every step: each redraw asks the worker for
// data between two steps, so it slows the training it shows. `onScreenOnly(element, redraw,
// {every})` returns a function to call instead of `redraw`:
//   - on screen (or near it), it redraws at most once per `every` ms (the last call is never
//     lost: it runs when the interval is over);
//   - off screen, it only remembers that the chapter is stale and redraws once when it scrolls
//     into view.
//
// "Data changed" redraws (a script was loaded) are not routed through here: they run at once so
// every chapter is right the moment it is scrolled to.
const MARGIN = '300px 0px'; // start a little before the chapter enters the viewport

export function onScreenOnly(element, redraw, { every = 0 } = {}) {
  let last = -Infinity;
  let timer = 0;
  const run = () => {
    timer = 0;
    last = performance.now();
    redraw();
  };
  const soon = () => {
    if (timer) return;
    const wait = last + every - performance.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  if (typeof IntersectionObserver !== 'function') return soon; // no observer: treat as on screen
  let visible = false;
  let known = false; // the observer reports the first state right after observe()
  let stale = false;
  const observer = new IntersectionObserver(
    (entries) => {
      known = true;
      visible = entries.at(-1).isIntersecting;
      if (visible && stale) {
        stale = false;
        soon();
      }
    },
    { rootMargin: MARGIN },
  );
  observer.observe(element);
  return () => {
    if (visible || !known) soon();
    else stale = true;
  };
}
