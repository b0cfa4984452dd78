// The page's channel to the worker (js/rpc.js), with a stand-in worker that records what the
// page sends and lets the test answer as the worker would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRpc } from '../../js/rpc.js';
import { MSG } from '../../js/protocol.js';

function fakeWorker() {
  return {
    sent: [],
    onmessage: null,
    postMessage(message) {
      this.sent.push(message);
    },
    terminate() {
      this.terminated = true;
    },
    say(message) {
      this.onmessage({ data: message });
    },
  };
}

function setup(openAfter) {
  const workers = [];
  const rpc = createRpc({
    spawnWorker: () => {
      const w = fakeWorker();
      workers.push(w);
      return w;
    },
    boot: (send) => send({ kind: MSG.BOOT, boot: {} }),
    openAfter,
  });
  return { rpc, workers };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('with openAfter, the worker boots at once but what it says waits until the page opens', async () => {
  let open;
  const { rpc, workers } = setup(
    new Promise((resolve) => {
      open = resolve;
    }),
  );
  assert.equal(workers.length, 1);
  assert.deepEqual(
    workers[0].sent.map((m) => m.kind),
    [MSG.BOOT],
    'the boot message goes out before the page opens',
  );

  const heard = [];
  rpc.on('progress', (msg) => heard.push(msg.stage));
  let readyInfo = null;
  rpc.ready.then((info) => {
    readyInfo = info;
  });
  workers[0].say({ kind: MSG.PROGRESS, stage: 'compile', status: 'running' });
  workers[0].say({ kind: MSG.READY, ok: true, info: { vocab_size: 27 } });
  await settle();
  assert.deepEqual(heard, [], 'nothing is reported before the page opens');
  assert.equal(readyInfo, null);

  open();
  await settle();
  assert.deepEqual(heard, ['compile'], 'what the worker said is replayed, in order');
  assert.deepEqual(readyInfo, { vocab_size: 27 });
  assert.deepEqual(await rpc.ready, { vocab_size: 27 });
});

test('calls made once the page is open reach the worker', async () => {
  const { rpc, workers } = setup(Promise.resolve());
  await settle();
  const answer = rpc.call('eval', { code: '1 + 1' });
  const sent = workers[0].sent.at(-1);
  assert.equal(sent.kind, MSG.CALL);
  assert.equal(sent.method, 'eval');
  workers[0].say({ kind: MSG.RESULT, id: sent.id, ok: true, result: { repr: '2' } });
  assert.deepEqual(await answer, { repr: '2' });
});

test('a boot that fails before the page opens is reported once it opens, and ready rejects', async () => {
  let open;
  const { rpc, workers } = setup(
    new Promise((resolve) => {
      open = resolve;
    }),
  );
  const fatal = [];
  rpc.on('fatal', (error) => fatal.push(error.message));
  const ready = rpc.ready;
  workers[0].say({ kind: MSG.FATAL, error: { type: 'Error', message: 'no wasm' } });
  await settle();
  assert.deepEqual(fatal, []);
  open();
  await assert.rejects(ready, (error) => error.message === 'no wasm');
  assert.deepEqual(fatal, ['no wasm']);
});

test("without openAfter the worker is the page's at once", async () => {
  const { rpc, workers } = setup(null);
  const heard = [];
  rpc.on('progress', (msg) => heard.push(msg.stage));
  workers[0].say({ kind: MSG.PROGRESS, stage: 'decode', status: 'running' });
  assert.deepEqual(heard, ['decode']);
});

test('latest(): while one request is in flight only the newest waiting one is sent; the ones it replaced never settle', async () => {
  const { rpc, workers } = setup(Promise.resolve());
  await settle();
  const outcomes = [];
  const track = (name, promise) =>
    promise.then(
      (r) => outcomes.push([name, 'resolved', r]),
      (e) => outcomes.push([name, 'rejected', e]),
    );
  track('first', rpc.latest('k', 'params', { n: 1 }));
  track('second', rpc.latest('k', 'params', { n: 2 }));
  track('third', rpc.latest('k', 'params', { n: 3 }));
  const calls = () => workers[0].sent.filter((m) => m.kind === MSG.CALL);
  assert.deepEqual(
    calls().map((m) => m.args.n),
    [1],
    'one request per key is in flight',
  );
  workers[0].say({ kind: MSG.RESULT, id: calls()[0].id, ok: true, result: 'one' });
  await settle();
  assert.deepEqual(
    calls().map((m) => m.args.n),
    [1, 3],
    'the newest waiting request is sent next; the one it replaced never is',
  );
  workers[0].say({ kind: MSG.RESULT, id: calls()[1].id, ok: true, result: 'three' });
  await settle();
  assert.deepEqual(
    outcomes,
    [
      ['first', 'resolved', 'one'],
      ['third', 'resolved', 'three'],
    ],
    'the replaced request neither resolves nor rejects',
  );
});
