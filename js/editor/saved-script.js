// Keeps the learner's edits across a reload: the editor's text in localStorage while it differs
// from the script the page was built with. Storage can be missing or full (private windows,
// file:// in some engines); then edits simply do not persist, and nothing else breaks.
const KEY = 'microgpt-guide:script';

export function loadSaved(defaultSource) {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    // An edit of another build's default is still the learner's work: keep it.
    return typeof saved?.source === 'string' && saved.source !== defaultSource ? saved.source : null;
  } catch {
    return null;
  }
}

export function save(source, defaultSource) {
  try {
    if (source === defaultSource) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify({ source, savedAt: Date.now() }));
    return true;
  } catch {
    return false;
  }
}
