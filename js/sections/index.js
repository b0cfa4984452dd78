// The guide's sections, in page order. Each module exports {id, firstCalls, createSection}; see
// section.js.
import * as dataset from './dataset/index.js';
import * as autograd from './autograd/index.js';
import * as parameters from './parameters/index.js';
import * as architecture from './architecture/index.js';
import * as attention from './attention/index.js';
import * as training from './training/index.js';
import * as inference from './inference/index.js';
import * as runs from './runs/index.js';

export const sections = [dataset, autograd, parameters, architecture, attention, training, inference, runs];
