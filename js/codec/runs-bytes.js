// Runs as one run of bytes, for a guide downloaded with them (js/runs-file.js reads them back at
// boot, js/editor/page-snapshot.js writes them): the runs' records as JSON and their states
// (the bridge's checkpoint_export blobs) as the bytes they are, not as numbers in text.
//
//   "MGRUNS1\n" | u32 little-endian length n of the JSON | n bytes of UTF-8 JSON | the states
//
// The JSON is the pack with its states as {[id]: {[step]: [offset, length]}}, offsets into the
// bytes after the JSON, and `open`, the id of the run the file opens on. Whatever else the pack
// holds (the runs core adds the data sets' texts) goes in the JSON as it is.
//
//   packToBytes({runs, states: {[id]: {[step]: Uint8Array}}, ...}, open) -> Uint8Array
//   bytesToPack(bytes) -> {pack: {runs, states, ...}, open}   (throws on anything else)

const MAGIC = 'MGRUNS1\n';

export function packToBytes({ states, ...rest }, open) {
  const blobs = [];
  let offset = 0;
  const at = {};
  for (const [id, bySteps] of Object.entries(states ?? {})) {
    at[id] = {};
    for (const [step, blob] of Object.entries(bySteps)) {
      at[id][step] = [offset, blob.length];
      blobs.push(blob);
      offset += blob.length;
    }
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...rest, open, states: at }));
  const out = new Uint8Array(MAGIC.length + 4 + json.length + offset);
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  let next = MAGIC.length + 4 + json.length;
  for (const blob of blobs) {
    out.set(blob, next);
    next += blob.length;
  }
  return out;
}

export function bytesToPack(bytes) {
  const head = MAGIC.length + 4;
  if (bytes.length < head || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new Error('The runs in this file are not in a form this page reads.');
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  const body = bytes.subarray(head + length);
  const { open, states: at, ...rest } = JSON.parse(new TextDecoder().decode(bytes.subarray(head, head + length)));
  const states = {};
  for (const [id, bySteps] of Object.entries(at ?? {})) {
    states[id] = {};
    for (const [step, [offset, size]] of Object.entries(bySteps)) {
      if (offset + size > body.length) throw new Error('The runs in this file are cut short.');
      states[id][step] = body.slice(offset, offset + size);
    }
  }
  return { pack: { ...rest, states }, open };
}
