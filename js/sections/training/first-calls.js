// Chapter 6's first calls (see section.js; no imports: the build runs this under Node).

const SCHEDULE_SAMPLES = 200; // points of the learning-rate curve

// Every how many steps the schedule is sampled for the curve (training/schedule.js).
export function scheduleEvery(info) {
  return Math.max(1, Math.floor((info.hyper?.num_steps ?? SCHEDULE_SAMPLES) / SCHEDULE_SAMPLES));
}

// The prose quotes the rate every 1000 steps (js/script-facts.js).
export const PROSE_SCHEDULE_EVERY = 1000;

export function* firstCalls({ info }) {
  if (info.roles?.schedule) yield { method: 'schedule', args: { every: scheduleEvery(info) } };
  if (info.facts?.schedule_stmt) yield { method: 'schedule', args: { every: PROSE_SCHEDULE_EVERY } };
  yield { method: 'outline', args: {} }; // which row of which matrix is watched first
  yield { method: 'params', args: {} };
}
