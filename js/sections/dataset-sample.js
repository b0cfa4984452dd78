// Chapter 1, the data set: ten of the script's documents at a time, in the order the script
// holds them, with a button for the next ten (the bridge's `docs` method). The list's name is
// the script's own (info.roles.documents: `docs`, `train_docs`...).
import { el } from '../ui/dom.js';
import { liveCard } from '../ui/live-card.js';

const PAGE = 10;

export function createSample({ rpc, onPick, action }) {
  // The heading names the script's own list: "The data set: docs".
  const titleName = el('code', 'docs-name');
  const titleSep = document.createTextNode('');
  const card = liveCard({
    title: ['The data set', titleSep, titleName],
    term: 'document',
    action,
    className: 'dataset-sample',
  });
  const where = el('p', 'live-card-note');
  const names = el('ol', { className: 'name-list', 'aria-label': 'Documents' });
  const more = el('button', { type: 'button', className: 'more-docs' }, `${PAGE} more`);
  const restart = el('button', { type: 'button', className: 'first-docs', hidden: true }, 'back to the first');
  const status = el('span', { className: 'sample-status', role: 'status' });
  const controls = el('div', 'sample-controls', [more, restart, status]);
  card.body.append(where, names, controls);

  let start = 0;
  let total = 0;
  let docsName = 'docs';
  let dataFile = null;

  function draw(docs) {
    names.replaceChildren(...docs.map((doc, i) => {
      const text = String(doc);
      const button = el('button', { type: 'button', className: 'name-chip', title: `${docsName}[${start + i}]: tokenize it below` }, text);
      button.addEventListener('click', () => onPick(text));
      return el('li', { dataset: { index: String(start + i) } }, [el('span', 'name-index', String(start + i)), button]);
    }));
    const end = start + docs.length;
    where.replaceChildren(
      el('code', null, `${docsName}[${start}:${end}]`),
      ` of ${total} documents`,
      ...(dataFile ? [' read from ', el('code', null, dataFile)] : []),
      ', in the order the script holds them. Click one to tokenize it.',
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
      status.textContent = `Could not read the documents: ${error?.message ?? error}`;
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
      total = info.num_docs ?? 0;
      dataFile = info.data_file ?? null;
      const missing = info.roles?.missing?.documents;
      docsName = info.roles?.documents ?? 'docs';
      titleName.textContent = info.roles?.documents ?? '';
      titleSep.textContent = info.roles?.documents ? ': ' : '';
      controls.hidden = Boolean(missing);
      if (missing) {
        names.replaceChildren();
        where.textContent = `The bridge found no list of documents in this script: ${missing}.`;
        return;
      }
      draw((info.docs_head ?? []).slice(0, PAGE));
    },
  };
}
