// Chapter 6: the training loop's settings and how far it has run.
import { renderFacts } from '../ui/facts.js';

export default {
  id: 'training',
  update(root, info) {
    const h = info.hyper ?? {};
    renderFacts(root, [
      { label: 'num_steps', value: h.num_steps },
      { label: 'learning_rate', value: h.learning_rate },
      { label: 'steps done', value: info.step ?? 0 },
      { label: 'uniform guess', value: Math.log(info.vocab_size).toFixed(4), flow: 'loss', title: 'ln(vocab_size): the loss of a model that guesses every token equally' },
    ]);
  },
};
