// The guide's sections, in page order. Each is {id, mount(root, ctx), update(info)}; see section.js.
import dataset from './dataset.js';
import autograd from './autograd.js';
import parameters from './parameters.js';
import architecture from './architecture.js';
import attention from './attention.js';
import training from './training.js';
import inference from './inference.js';

export const sections = [dataset, autograd, parameters, architecture, attention, training, inference];
