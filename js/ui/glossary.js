// The glossary: every term the guide uses, explained once, in js/glossary.json. The prose marks
// a term's first use in a chapter with data-term="<id>"; this module puts a "?" after each mark
// (the explanation shows on hover and on keyboard focus; the "?" links to the entry) and fills
// the Glossary chapter's list. Sections can put the same marker into what they draw: termMarker(id).
import entries from '../glossary.json';
import { el } from './dom.js';
import { helpMarker } from './tooltip.js';
import { landOn } from './link-landing.js';

const byId = new Map(entries.map((entry) => [entry.id, entry]));

export const glossaryAnchor = (id) => `glossary-${id}`;

// The "?" for one glossary term: a link to its entry, described by the term's explanation.
export function termMarker(id) {
  const entry = byId.get(id);
  if (!entry) throw new Error(`The glossary has no entry "${id}".`);
  const more = [];
  if (entry.code) more.push(el('div', 'tip-code', ['In the script: ', el('code', null, entry.code)]));
  more.push(el('div', 'tip-link', 'Click the ? or press Enter for the glossary entry.'));
  const explanation = el('div', null, [el('div', 'tip-term', entry.term), entry.definition]);
  const marker = helpMarker(entry.term, explanation, { href: `#${glossaryAnchor(id)}`, more });
  marker.addEventListener('click', jumpInstantly);
  return marker;
}

// The "?" jumps instantly (the page's smooth scroll would start from a layout that is still
// growing), records the jump in the history (Back returns to the prose), hands keyboard focus to
// the entry and keeps it in place while the chapters around it are drawn (landOn).
function jumpInstantly(event) {
  event.preventDefault();
  const href = event.currentTarget.getAttribute('href');
  const entry = document.getElementById(href.slice(1));
  if (!entry) return;
  history.pushState(null, '', href);
  markTarget();
  entry.scrollIntoView({ block: 'start', behavior: 'instant' });
  entry.focus({ preventScroll: true });
  landOn(entry);
}

// The entry the address points at is highlighted (a class, because :target ignores pushState).
function markTarget() {
  for (const old of document.querySelectorAll('.glossary-entry.glossary-current')) old.classList.remove('glossary-current');
  const entry = location.hash.startsWith('#glossary-') ? document.getElementById(location.hash.slice(1)) : null;
  entry?.classList.add('glossary-current');
}

// Marks every [data-term] in the page and renders the list into `list` (a <dl>).
export function initGlossary(list = document.getElementById('glossary-list')) {
  const uses = new Map(entries.map((entry) => [entry.id, new Map()])); // id -> chapter id -> title
  for (const mark of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-term]'))) {
    const id = mark.dataset.term;
    if (!byId.has(id)) {
      console.warn(`data-term="${id}" has no glossary entry`); // tests/js/glossary.test.mjs refuses this
      continue;
    }
    // A short term and its "?" form one unbreakable group, so a line never starts with a lone
    // "?"; a long phrase may wrap (unbroken, it would overflow a phone's width).
    const group = el('span', mark.textContent.length <= 24 ? 'term-group term-nowrap' : 'term-group');
    mark.classList.add('term');
    mark.replaceWith(group);
    group.append(mark, termMarker(id));
    const chapter = mark.closest('.chapter');
    const title = chapter?.querySelector('h2')?.textContent;
    if (title) uses.get(id).set(chapter.id, title);
  }
  // js/glossary.json is kept in alphabetical order (tests/js/glossary.test.mjs checks it): sorting
  // here would load the browser's collation data at boot (~20 ms).
  if (list) list.replaceChildren(...entries.map((entry) => renderEntry(entry, uses.get(entry.id))));
  markTarget();
  window.addEventListener('popstate', markTarget);
  window.addEventListener('hashchange', markTarget);
}

// One <div> per term (a <dl> may group each dt/dd pair in a div): the anchor a marker links to.
function renderEntry(entry, chapters) {
  const head = [el('dfn', null, entry.term)];
  if (entry.aka) head.push(el('span', 'glossary-aka', `also: ${entry.aka}`));
  const meta = [];
  if (entry.code) meta.push(el('span', null, ['In the script: ', el('code', null, entry.code)]));
  if (chapters.size) {
    const links = [...chapters].flatMap(([id, title], i) => [i ? ', ' : '', el('a', { href: `#${id}` }, title)]);
    meta.push(el('span', null, ['Used in: ', ...links]));
  }
  return el('div', { className: 'glossary-entry', id: glossaryAnchor(entry.id), tabindex: -1 }, [
    el('dt', null, head),
    el('dd', null, [el('p', 'glossary-definition', entry.definition), meta.length ? el('p', 'glossary-meta', meta) : null]),
  ]);
}
