// Chapter 3: the model's weight matrices, read from the script's state_dict.
import { renderFacts } from '../ui/facts.js';
import { infoSection } from './section.js';

export default infoSection({
  id: 'parameters',
  code: { show: ['hyper', 'state_dict', 'params'], highlight: ['state_dict'] },
  render(live, info) {
    const { names = [], shapes = [], count } = info.params ?? {};
    renderFacts(live, [
      { label: 'num params', value: count, title: 'len(params)' },
      { label: 'matrices', value: names.length, title: 'len(state_dict)' },
      ...names.slice(0, 3).map((name, i) => ({ label: name, value: shapes[i].join(' × '), flow: name.startsWith('w') ? 'embed' : undefined })),
    ]);
  },
});
