// Chapter 6: the training loop's settings and how far it has run.
import { renderFacts } from '../ui/facts.js';
import { infoSection } from './section.js';

export default infoSection({
  id: 'training',
  code: { show: ['adam', 'train'], highlight: ['train.backward'] },
  render(live, info) {
    const h = info.hyper ?? {};
    renderFacts(live, [
      { label: 'num_steps', value: h.num_steps },
      { label: 'learning_rate', value: h.learning_rate },
      { label: 'steps done', value: info.step ?? 0 },
      { label: 'uniform guess', value: Math.log(info.vocab_size).toFixed(4), flow: 'loss', title: 'ln(vocab_size): the loss of a model that guesses every token equally' },
    ]);
  },
});
