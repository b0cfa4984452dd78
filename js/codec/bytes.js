// Bytes to and from the page's embedded text (base64, gzip): one module for the page and the worker.

// base64 -> bytes: the native decoder where there is one, else atob in one pass.
export function base64ToBytes(text) {
  const clean = text.replace(/\s+/g, '');
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(clean);
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// bytes -> base64: the native encoder where there is one, else btoa over 32 KB slices (a spread
// of the whole array would overflow the call stack).
export function bytesToBase64(bytes) {
  if (typeof bytes.toBase64 === 'function') return bytes.toBase64();
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// A stream of the gunzipped bytes. Built from a Response over the bytes rather than
// Blob.stream(): WebKit cannot read a Blob inside a worker whose origin is "null".
export function gunzipStream(bytes) {
  return new Response(bytes).body.pipeThrough(new DecompressionStream('gzip'));
}

export async function gunzipBytes(bytes) {
  return new Uint8Array(await new Response(gunzipStream(bytes)).arrayBuffer());
}

export async function gunzipText(bytes) {
  return new Response(gunzipStream(bytes)).text();
}

export function decodeAsset(asset) {
  return asset.encoding === 'gzip+base64' ? base64ToBytes(asset.text) : new TextEncoder().encode(asset.text);
}
