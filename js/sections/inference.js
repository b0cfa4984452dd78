// Chapter 7: the sampling settings.
import { renderFacts } from '../ui/facts.js';
import { infoSection } from './section.js';

export default infoSection({
  id: 'inference',
  code: { show: ['inference'] },
  render(live, info) {
    const h = info.hyper ?? {};
    renderFacts(live, [
      { label: 'temperature', value: h.temperature ?? '—' },
      { label: 'max length', value: h.block_size, title: 'block_size: a sample stops here even without BOS' },
    ]);
  },
});
