// Chapter 7: the sampling settings.
import { renderFacts } from '../ui/facts.js';

export default {
  id: 'inference',
  update(root, info) {
    const h = info.hyper ?? {};
    renderFacts(root, [
      { label: 'temperature', value: h.temperature ?? '—' },
      { label: 'max length', value: h.block_size, title: 'block_size: a sample stops here even without BOS' },
    ]);
  },
};
