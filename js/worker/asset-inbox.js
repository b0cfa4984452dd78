// The runtime's files as the page sends them: an ASSET message per piece, as soon as the page's
// parser has read that piece (a large file is split over several elements, see the build),
// then ASSETS_END. A file can be awaited whole (`get`) or read piece by piece as it comes
// (`pieces`: the wasm is decoded while the page is still parsing the rest of it).
export class AssetInbox {
  constructor() {
    this.files = new Map(); // name -> {encoding, parts, done, waiters}
    this.ended = false;
    this.closed = false;
  }

  // The boot is over: the texts (~9 MB as strings) go, and whatever still comes is dropped.
  close() {
    this.closed = true;
    this.files.clear();
  }

  file(name) {
    if (!this.files.has(name)) this.files.set(name, { encoding: null, parts: [], done: false, waiters: [] });
    return this.files.get(name);
  }

  // piece: {name, encoding, text, last}
  put(piece) {
    if (this.closed) return;
    const file = this.file(piece.name);
    file.encoding = piece.encoding;
    file.parts.push(piece.text);
    if (piece.last) file.done = true;
    wake(file);
  }

  // Every file that has not come whole by now never will.
  end() {
    this.ended = true;
    for (const file of this.files.values()) wake(file);
  }

  // Resolves when the file has more than `count` pieces or is whole.
  async until(name, count) {
    const file = this.file(name);
    while (file.parts.length <= count && !file.done) {
      if (this.ended) throw new Error(`The embedded runtime is missing ${name}.`);
      await new Promise((resolve) => file.waiters.push(resolve));
    }
    return file;
  }

  // The whole file: {name, encoding, text}.
  async get(name) {
    const file = await this.until(name, Infinity);
    return { name, encoding: file.encoding, text: file.parts.join('') };
  }

  // {encoding, next()}: next() resolves each piece's text in order, then null.
  async pieces(name) {
    const file = await this.until(name, 0);
    let read = 0;
    const next = async () => {
      await this.until(name, read);
      return read < file.parts.length ? file.parts[read++] : null;
    };
    return { encoding: file.encoding, next };
  }
}

function wake(file) {
  for (const resolve of file.waiters.splice(0)) resolve();
}
