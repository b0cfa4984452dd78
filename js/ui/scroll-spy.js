// Sidebar scroll-spy: the chapter whose top most recently crossed the upper third of the
// viewport is the active one.
export function initScrollSpy(links, chapters) {
  const byId = new Map(links.map((a) => [a.dataset.nav, a]));
  const visible = new Map();
  const setActive = (id) => {
    for (const [key, link] of byId) {
      link.classList.toggle('active', key === id);
      if (key === id) link.setAttribute('aria-current', 'location'); else link.removeAttribute('aria-current');
    }
  };
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) visible.set(entry.target.id, entry.isIntersecting);
    // The first chapter (in page order) that is inside the band wins; above every chapter, none.
    const current = chapters.find((c) => visible.get(c.id));
    if (current) setActive(current.id);
    else if (window.scrollY < chapters[0].offsetTop - window.innerHeight / 3) setActive(null);
  }, { rootMargin: '-20% 0px -60% 0px' });
  chapters.forEach((c) => observer.observe(c));
}
