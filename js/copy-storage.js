// This copy of the guide's own corner of the browser's storage.
//
// Every page opened from file:// shares one localStorage, so a key must say which copy it
// belongs to: the script and data set it was built with (from the build info) and where the file
// is. Editing a downloaded copy then never touches the original's saved work, and the other way
// round. Storage can be missing or full (private windows, some engines on file://): every call
// here fails quietly and says so with its result, and the page goes on without it.
import { readBuildInfo } from './embedded.js';

const PREFIX = 'microgpt-guide';

// FNV-1a over the text's UTF-16 units, as 8 hex digits: a short, stable name for a text.
export function textHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

let copyId = null;

export function copyKey(name) {
  if (copyId == null) {
    const info = readBuildInfo();
    copyId = textHash(`${info.script?.sha256}\0${info.dataset?.sha256}\0${location.pathname}`);
  }
  return `${PREFIX}:${copyId}:${name}`;
}

export function readJson(name) {
  try {
    return JSON.parse(localStorage.getItem(copyKey(name)) ?? 'null');
  } catch {
    return null;
  }
}

// true when written (or removed, for null); false when storage refused it.
export function writeJson(name, value) {
  try {
    if (value == null) localStorage.removeItem(copyKey(name));
    else localStorage.setItem(copyKey(name), JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}
