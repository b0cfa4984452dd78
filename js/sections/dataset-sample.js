// Chapter 1, the data set: ten of the script's `docs` at a time, in the order its
// random.shuffle left them, with a button for the next ten (the bridge's `docs` method).
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';

const PAGE = 10;

export function createSample({ rpc, onPick, action }) {
  const card = liveCard({
    title: 'The data set: docs',
    term: 'document',
    action,
    className: 'dataset-sample',
  });
  const where = el('p', 'live-card-note');
  const names = el('ol', { className: 'name-list', 'aria-label': 'Names from docs' });
  const more = el('button', { type: 'button', className: 'more-docs' }, `${PAGE} more`);
  const restart = el('button', { type: 'button', className: 'first-docs', hidden: true }, 'back to docs[0]');
  const status = el('span', { className: 'sample-status', role: 'status' });
  card.body.append(where, names, el('div', 'sample-controls', [more, restart, status]));

  let start = 0;
  let total = 0;

  function draw(docs) {
    names.replaceChildren(...docs.map((doc, i) => {
      const button = el('button', { type: 'button', className: 'name-chip', title: `docs[${start + i}]: tokenize it below` }, doc);
      button.addEventListener('click', () => onPick(doc));
      return el('li', { dataset: { index: String(start + i) } }, [el('span', 'name-index', String(start + i)), button]);
    }));
    const end = start + docs.length;
    where.replaceChildren(
      el('code', null, `docs[${start}:${end}]`),
      ` of ${total} names, in the order random.shuffle left them. Click a name to tokenize it.`,
    );
    restart.hidden = start === 0;
    more.disabled = end >= total;
  }

  async function load(from) {
    more.disabled = true;
    status.textContent = '';
    try {
      const docs = await rpc.call('docs', { start: from, count: PAGE });
      start = from;
      draw(docs);
    } catch (error) {
      status.textContent = `Could not read docs: ${error?.message ?? error}`;
      more.disabled = false;
    }
  }

  more.addEventListener('click', () => load(start + PAGE));
  restart.addEventListener('click', () => load(0));

  return {
    root: card.root,
    // Data changed: the first ten come with the script's info, no call needed.
    show(info) {
      start = 0;
      total = info.num_docs;
      draw((info.docs_head ?? []).slice(0, PAGE));
    },
  };
}
