// The guide's sections, in page order. Each module exports {id, firstCalls, createSection}; see
// section.js.
import * as dataset from './dataset.js';
import * as autograd from './autograd.js';
import * as parameters from './parameters.js';
import * as architecture from './architecture.js';
import * as attention from './attention.js';
import * as training from './training.js';
import * as inference from './inference.js';

export const sections = [dataset, autograd, parameters, architecture, attention, training, inference];
