// Chapter 2: the Value class and backward().
import { renderFacts } from '../ui/facts.js';
import { infoSection } from './section.js';

export default infoSection({
  id: 'autograd',
  code: { show: ['Value'], highlight: ['Value.backward'] },
  render(live, info) {
    const methods = Object.keys(info.phases ?? {}).filter((name) => name.startsWith('Value.') && name !== 'Value.__init__');
    renderFacts(live, [{ label: 'Value operations', value: methods.length, title: methods.map((m) => m.slice(6)).join(', ') }]);
  },
});
