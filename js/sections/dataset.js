// Chapter 1: the data set and the tokenizer, as the running script sees them.
import { renderFacts } from '../ui/facts.js';
import { infoSection } from './section.js';

export default infoSection({
  id: 'dataset',
  code: { show: ['dataset', 'tokenizer'] },
  render(live, info) {
    renderFacts(live, [
      { label: 'num docs', value: info.num_docs, title: 'len(docs)' },
      { label: 'vocab size', value: info.vocab_size, title: 'len(uchars) + 1' },
      { label: 'BOS id', value: info.BOS, flow: 'embed', title: 'BOS = len(uchars)' },
      { label: 'longest name', value: info.longest_doc, title: 'characters in the longest document' },
      { label: 'block_size', value: info.hyper?.block_size, title: 'the longest context the model sees' },
    ], `First names after the shuffle: ${(info.docs_head ?? []).slice(0, 10).join(', ')}`);
  },
});
