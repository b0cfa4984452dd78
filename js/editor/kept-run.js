// A stand-in for the runs core's share API (js/runs/, docs: /work/notes/runs-contract.md, "Share")
// until it lands: the one run this page keeps (the model store's kept state, js/model-keeper.js),
// with the same shape and calls: list(), current, pack(ids), unpack(pack, {open}). Only its latest
// state is known, which is what a download carries anyway.
//
//   keptRun({store, defaultScript}) -> {list(), current, pack(ids), unpack(pack, {open})}
const ID = 'kept';

export function keptRun({ store, defaultScript }) {
  const current = () => {
    const kept = store.state;
    if (!kept) return null;
    return {
      id: ID,
      label: kept.script.source === defaultScript.source ? 'built-in' : 'edited script',
      createdAt: Date.now(),
      parent: null,
      builtin: false,
      script: kept.script,
      dataset: { key: kept.datasetKey, filename: store.info?.data_file ?? null },
      numParams: store.info?.params?.count ?? null,
      hyper: store.info?.hyper ?? {},
      step: kept.step,
      history: kept.history,
      samples: [],
      stateSteps: kept.checkpoint ? [kept.step] : [],
    };
  };
  return {
    list: () => [current()].filter(Boolean),
    get current() {
      return current();
    },
    pack: async (ids) => {
      const run = current();
      if (!run || !ids.includes(run.id) || !store.state.checkpoint) return { runs: [], states: {} };
      return { runs: [run], states: { [run.id]: { [run.step]: store.state.checkpoint } } };
    },
    // The page opened on the file's run at boot (main.js): it is already the kept one.
    unpack: async () => {},
  };
}
