// The recorded first frame's wire format, shared by the build's recorder (py/builder/
// first_frame.mjs, under Node) and the page (js/first-frame.js), so what the page decodes is
// what the worker would have posted: typed arrays stay typed arrays (their bytes, not decimal
// text), and undefined, NaN, ±Infinity and -0 survive, which JSON alone would lose.
//
// pack(value) -> bytes: [JSON length, 4 bytes little-endian][JSON][the typed arrays' bytes];
// in the JSON a typed array is {$typed: 'Float64Array', at, bytes} (at: offset in that tail).

const TAGS = ['$typed', '$num', '$undefined'];
const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
};

function encode(value, chunks) {
  if (value === undefined) return { $undefined: 1 };
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $num: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (ArrayBuffer.isView(value)) {
    const at = chunks.reduce((n, c) => n + c.length, 0);
    const align = (8 - (at % 8)) % 8; // every array starts 8-aligned in the tail
    if (align) chunks.push(new Uint8Array(align));
    chunks.push(new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)));
    return { $typed: value.constructor.name, at: at + align, bytes: value.byteLength };
  }
  if (Array.isArray(value)) return value.map((item) => encode(item, chunks));
  if (value && typeof value === 'object') {
    const tagged = TAGS.find((tag) => tag in value);
    if (tagged) throw new Error(`a bridge answer has a key ${tagged}, which the first-frame format reserves`);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, chunks)]));
  }
  return value; // string, boolean, null
}

export function pack(value) {
  const chunks = [];
  const json = new TextEncoder().encode(JSON.stringify(encode(value, chunks)));
  const tail = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(4 + json.length + tail);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = 4 + json.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function decode(value, tail) {
  if (Array.isArray(value)) return value.map((item) => decode(item, tail));
  if (!value || typeof value !== 'object') return value;
  if ('$undefined' in value) return undefined;
  if ('$num' in value) return value.$num === '-0' ? -0 : Number(value.$num);
  if ('$typed' in value) {
    const Type = TYPED[value.$typed];
    if (!Type) throw new Error(`unknown typed array ${value.$typed}`);
    // A copy: each answer owns its buffer, as one posted by the worker does.
    return new Type(tail.slice(value.at, value.at + value.bytes).buffer);
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = decode(v, tail);
  return out;
}

// bytes -> {json (the parsed skeleton), tail}; answer(part) decodes one part of it afresh, so
// every caller gets its own copy (a section may keep or transfer what it is given).
export function unpack(bytes) {
  const length = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  const tail = bytes.slice(4 + length);
  return { json, materialize: (part) => decode(part, tail) };
}

// The key a call is looked up by: method and arguments, object keys sorted, so the order in
// which a section writes its arguments does not matter.
export function callKey(method, args) {
  return `${method} ${canonical(args ?? {})}`;
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
