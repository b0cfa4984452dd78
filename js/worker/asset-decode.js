// The embedded runtime assets back as bytes, whatever the build packed them with. An asset's
// encoding is "text" (its text is the content) or "<compression>+<text form>":
//   compression: gzip (undone natively by DecompressionStream), or xz, which the page never
//                undoes itself: it hands the packed bytes to a consumer that does (the lazy
//                stdlib: Python's own lzma);
//   text form:   text8 (one byte of the page per byte, js/codec/text8.js) or base64.
import { base64ToBytes, gunzipStream, gunzipBytes } from '../codec/bytes.js';
import { text8ToBytes, Text8Decoder } from '../codec/text8.js';

function parse(asset) {
  const [compression, form] = asset.encoding.split('+');
  if (!form || !['gzip', 'xz'].includes(compression) || !['text8', 'base64'].includes(form)) {
    throw new Error(`The embedded ${asset.name} has an unknown encoding "${asset.encoding}".`);
  }
  const packed = form === 'text8' ? text8ToBytes(asset.text) : base64ToBytes(asset.text);
  return { compression, packed };
}

function gzipOnly(asset, compression) {
  if (compression !== 'gzip') throw new Error(`The embedded ${asset.name} is ${asset.encoding}: the page cannot inflate it.`);
}

// A ReadableStream of the asset's bytes.
export function assetStream(asset) {
  if (asset.encoding === 'text') return new Response(asset.text).body;
  const { compression, packed } = parse(asset);
  gzipOnly(asset, compression);
  return gunzipStream(packed);
}

// The bytes of a gzip asset whose pieces are still arriving (`pieces`: {encoding, next()}, see
// AssetInbox.pieces): each piece's text is turned back into packed bytes as it comes, and
// inflated natively as the bytes come, so its consumer (the wasm compiler) starts with the first
// piece the page has parsed.
export function piecesStream({ encoding, next }) {
  return packedPiecesStream({ encoding, next }).pipeThrough(new DecompressionStream('gzip'));
}

// The still-compressed bytes of such an asset, piece by piece, whatever its compression.
export function packedPiecesStream({ encoding, next }) {
  const [compression, form] = encoding.split('+');
  if (!['gzip', 'zst'].includes(compression) || !['text8', 'base64'].includes(form)) {
    throw new Error(`An embedded asset has an unknown encoding "${encoding}".`);
  }
  const text8 = form === 'text8' ? new Text8Decoder() : null;
  return new ReadableStream({
    async pull(controller) {
      const text = await next();
      if (text === null) {
        if (text8?.escaped) throw new Error('An embedded asset is corrupt: it ends in the middle of an escape.');
        controller.close();
      } else controller.enqueue(text8 ? text8.push(text) : base64ToBytes(text));
    },
  });
}

// The asset's bytes still compressed with `compression`, for a consumer that undoes it itself
// (the lazy stdlib: Python's lzma, inside an import, where nothing can be awaited).
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
  gzipOnly(asset, compression);
  return gunzipBytes(packed);
}

export async function assetText(asset) {
  if (asset.encoding === 'text') return asset.text;
  return new TextDecoder().decode(await assetBytes(asset));
}
