// Chapter 1, the data set: ten of the script's documents at a time, in the order the script
// holds them, with a button for the next ten (the bridge's `docs` method). The list's name is
// the script's own (info.roles.documents: `docs`, `train_docs`...).
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';

const PAGE = 10;

export class DocumentSample {
  constructor({ rpc, onPick, action }) {
    this.rpc = rpc;
    this.onPick = onPick;
    // The heading names the script's own list: "The data set: docs".
    this.titleName = el('code', 'docs-name');
    this.titleSep = document.createTextNode('');
    const card = liveCard({
      title: ['The data set', this.titleSep, this.titleName],
      term: 'document',
      action,
      className: 'dataset-sample',
    });
    this.root = card.root;
    this.where = el('p', 'live-card-note');
    this.names = el('ol', { className: 'name-list', 'aria-label': 'Documents' });
    this.more = el('button', { type: 'button', className: 'more-docs' }, `${PAGE} more`);
    this.restart = el('button', { type: 'button', className: 'first-docs', hidden: true }, 'back to the first');
    this.status = el('span', { className: 'sample-status', role: 'status' });
    this.controls = el('div', 'sample-controls', [this.more, this.restart, this.status]);
    card.body.append(this.where, this.names, this.controls);
    this.start = 0;
    this.total = 0;
    this.docsName = 'docs';
    this.dataFile = null;
    this.more.addEventListener('click', () => this.load(this.start + PAGE));
    this.restart.addEventListener('click', () => this.load(0));
  }

  // Data changed: the first ten come with the script's info, no call needed.
  show(info) {
    this.start = 0;
    this.total = info.num_docs ?? 0;
    this.dataFile = info.data_file ?? null;
    const missing = info.roles?.missing?.documents;
    this.docsName = info.roles?.documents ?? 'docs';
    this.titleName.textContent = info.roles?.documents ?? '';
    this.titleSep.textContent = info.roles?.documents ? ': ' : '';
    this.controls.hidden = Boolean(missing);
    if (missing) {
      this.names.replaceChildren();
      this.where.textContent = `The bridge found no list of documents in this script: ${missing}.`;
      return;
    }
    this.draw((info.docs_head ?? []).slice(0, PAGE));
  }

  draw(docs) {
    const { start, docsName } = this;
    this.names.replaceChildren(
      ...docs.map((doc, i) => {
        const text = String(doc);
        const button = el(
          'button',
          { type: 'button', className: 'name-chip', title: `${docsName}[${start + i}]: tokenize it below` },
          text,
        );
        button.addEventListener('click', () => this.onPick(text));
        return el('li', { dataset: { index: String(start + i) } }, [el('span', 'name-index', String(start + i)), button]);
      }),
    );
    const end = start + docs.length;
    this.where.replaceChildren(
      el('code', null, `${docsName}[${start}:${end}]`),
      ` of ${this.total} documents`,
      ...(this.dataFile ? [' read from ', el('code', null, this.dataFile)] : []),
      ', in the order the script holds them. Click one to tokenize it.',
    );
    this.restart.hidden = start === 0;
    this.more.disabled = end >= this.total;
  }

  async load(from) {
    this.more.disabled = true;
    this.status.textContent = '';
    try {
      const docs = await this.rpc.call('docs', { start: from, count: PAGE });
      this.start = from;
      this.draw(docs);
    } catch (error) {
      this.status.textContent = `Could not read the documents: ${error?.message ?? error}`;
      this.more.disabled = false;
    }
  }
}
