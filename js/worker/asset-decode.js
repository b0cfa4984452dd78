// The embedded runtime assets back as bytes, whatever the build packed them with. An asset's
// encoding is "text" (its text is the content) or "<compression>+<text form>":
//   compression: gzip (undone natively by DecompressionStream) or lzma (js/worker/lzma.js);
//   text form:   text7 (7 bits per character, js/worker/text7.js) or base64.
import { base64ToBytes, gunzipStream, gunzipBytes } from './decode.js';
import { text7ToBytes, Text7Decoder } from './text7.js';
import { LzmaDecoder, lzmaDecode } from './lzma.js';

// How much the LZMA stream decodes per pull: small enough that the consumer (the wasm compiler)
// starts early and the worker's thread is never busy for long, large enough to cost nothing.
const LZMA_SLICE = 1 << 20;

function parse(asset) {
  const [compression, form] = asset.encoding.split('+');
  if (!form || !['gzip', 'lzma'].includes(compression) || !['text7', 'base64'].includes(form)) {
    throw new Error(`The embedded ${asset.name} has an unknown encoding "${asset.encoding}".`);
  }
  const packed = form === 'text7' ? text7ToBytes(asset.text) : base64ToBytes(asset.text);
  return { compression, packed };
}

// A ReadableStream of the asset's bytes, produced as they are consumed.
export function assetStream(asset) {
  if (asset.encoding === 'text') return new Response(asset.text).body;
  const { compression, packed } = parse(asset);
  if (compression === 'gzip') return gunzipStream(packed);
  let given = false;
  return lzmaStream(async () => (given ? null : ((given = true), packed)));
}

// The bytes of an asset whose pieces are still arriving (`pieces`: {encoding, next()}, see
// AssetInbox.pieces): each piece's text is turned back into packed bytes as it comes, and a gzip
// asset is inflated natively as the bytes come, so its consumer (the wasm compiler) starts with
// the first piece the page has parsed.
export function piecesStream({ encoding, next }) {
  if (encoding === 'lzma+text7') return lzmaPiecesStream(next);
  const [compression, form] = encoding.split('+');
  if (compression !== 'gzip' || !['text7', 'base64'].includes(form)) {
    throw new Error(`An embedded asset has an unknown encoding "${encoding}".`);
  }
  const text7 = form === 'text7' ? new Text7Decoder() : null;
  const packed = new ReadableStream({
    async pull(controller) {
      const text = await next();
      if (text === null) controller.close();
      else controller.enqueue(text7 ? text7.push(text) : base64ToBytes(text));
    },
  });
  return packed.pipeThrough(new DecompressionStream('gzip'));
}

// The same for an lzma+text7 asset whose pieces are still arriving (`next()` resolves each
// piece's text in order, then null): decoding runs as far as the pieces so far allow.
export function lzmaPiecesStream(next) {
  const text7 = new Text7Decoder();
  return lzmaStream(async () => {
    const text = await next();
    return text === null ? null : text7.push(text);
  });
}

// LZMA-decoded bytes from packed input that may come in pieces (`next()` resolves each piece's
// bytes in order, then null), a slice per pull so that the consumer starts early.
function lzmaStream(next) {
  let decoder = null;
  return new ReadableStream({
    async pull(controller) {
      for (;;) {
        if (decoder && !decoder.needsInput) {
          const slice = decoder.decodeSome(LZMA_SLICE);
          if (slice === null) { controller.close(); return; }
          if (slice.length) { controller.enqueue(slice); return; }
        }
        const bytes = await next();
        if (bytes === null && !decoder) throw new Error('The embedded asset is empty.');
        if (bytes === null) decoder.finish();
        else if (decoder) decoder.append(bytes);
        else decoder = new LzmaDecoder(bytes, { complete: false });
      }
    },
  });
}

// The asset's bytes still compressed with `compression`, for a consumer that undoes it itself
// (the lazy stdlib: Python's zlib, inside an import, where nothing can be awaited).
export function assetPacked(asset, compression) {
  const parsed = parse(asset);
  if (parsed.compression !== compression) {
    throw new Error(`The embedded ${asset.name} is ${asset.encoding}, not ${compression}.`);
  }
  return parsed.packed;
}

export async function assetBytes(asset) {
  if (asset.encoding === 'text') return new TextEncoder().encode(asset.text);
  const { compression, packed } = parse(asset);
  return compression === 'gzip' ? gunzipBytes(packed) : lzmaDecode(packed);
}

export async function assetText(asset) {
  if (asset.encoding === 'text') return asset.text;
  return new TextDecoder().decode(await assetBytes(asset));
}
