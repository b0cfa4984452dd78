// The learning-rate schedule's shape, from the script itself: the bridge's `schedule` runs the
// script's own statement (the one in the update that computes the step's rate) for a sample of
// the loop's steps. The page never restates the formula.
//
//   const shape = await lrShape(rpc, info);
//   shape -> {xs, ys, var, lines} (xs count steps 1-based, as step records do)
//          | {missing: sentence} when the script has no schedule, or the call fails
import { asSentence } from '../parameters/roles.js';
import { scheduleEvery } from './first-calls.js';

export async function lrShape(rpc, info) {
  if (!info.roles?.schedule) {
    const why = info.roles?.missing?.schedule;
    return {
      missing: why
        ? asSentence(why)
        : 'This script has no learning-rate schedule: the bridge found no statement in its update that computes a rate from the step.',
    };
  }
  try {
    const answer = await rpc.call('schedule', { every: scheduleEvery(info) });
    return { xs: answer.values.map((p) => p[0]), ys: answer.values.map((p) => p[1]), var: answer.var, lines: answer.lines };
  } catch (error) {
    return { missing: `The schedule could not be read: ${error?.message ?? error}` };
  }
}
