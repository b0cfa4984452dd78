// The guide's sections that draw live data, in page order.
import dataset from './dataset.js';
import parameters from './parameters.js';
import architecture from './architecture.js';
import training from './training.js';
import inference from './inference.js';

export const sections = [dataset, parameters, architecture, training, inference];
