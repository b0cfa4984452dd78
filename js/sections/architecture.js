// Chapter 4: the shape of the network the script defines.
import { renderFacts } from '../ui/facts.js';
import { infoSection } from './section.js';

export default infoSection({
  id: 'architecture',
  code: { show: ['gpt'] },
  render(live, info) {
    const h = info.hyper ?? {};
    renderFacts(live, [
      { label: 'n_layer', value: h.n_layer, title: 'transformer layers' },
      { label: 'n_embd', value: h.n_embd, flow: 'embed', title: 'numbers per vector' },
      { label: 'n_head', value: h.n_head, flow: 'attn', title: 'attention heads' },
      { label: 'head_dim', value: h.head_dim, flow: 'attn', title: 'n_embd // n_head' },
      { label: 'MLP width', value: h.n_embd * 4, flow: 'mlp', title: '4 * n_embd' },
    ]);
  },
});
