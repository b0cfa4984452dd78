// The sidebar's menu button, for narrow screens where the chapter list folds away (the CSS
// hides the button on wider ones). It opens and closes the list; Escape or following a link
// closes it again, and Escape hands the focus back to the button so the reader is not lost.
export function initNavMenu(nav, toggle) {
  const setOpen = (open) => {
    nav.classList.toggle('is-open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  nav.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !nav.classList.contains('is-open')) return;
    setOpen(false);
    toggle.focus();
  });
  nav.addEventListener('click', (e) => {
    if (e.target.closest('a[href^="#"]')) setOpen(false);
  });
}
