// Sidebar scroll-spy: the first chapter (in page order) inside a band across the upper part
// of the viewport is the active one; at the very bottom of the page, the last chapter is (it
// may be too short ever to reach the band).
export function initScrollSpy(links, chapters) {
  const byId = new Map(links.map((a) => [a.dataset.nav, a]));
  const visible = new Map();
  const setActive = (id) => {
    for (const [key, link] of byId) {
      link.classList.toggle('active', key === id);
      if (key === id) link.setAttribute('aria-current', 'location');
      else link.removeAttribute('aria-current');
    }
  };
  const atBottom = () => window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
  const update = () => {
    if (atBottom()) {
      setActive(chapters.at(-1).id);
      return;
    }
    const current = chapters.find((c) => visible.get(c.id));
    if (current) setActive(current.id);
    else if (window.scrollY < chapters[0].offsetTop - window.innerHeight / 3) setActive(null);
  };
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) visible.set(entry.target.id, entry.isIntersecting);
      update();
    },
    { rootMargin: '-20% 0px -60% 0px' },
  );
  chapters.forEach((c) => observer.observe(c));
  // The bottom of the page is not an intersection change; a passive, rAF-coalesced scroll check.
  let queued = false;
  window.addEventListener(
    'scroll',
    () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        if (atBottom()) update();
      });
    },
    { passive: true },
  );
}
