// Keeps the learner's edits across a reload: the editor's text in localStorage while it differs
// from the script the page was built with. Storage can be missing or full (private windows,
// file:// in some engines); then edits simply do not persist, and nothing else breaks.
const KEY = 'microgpt-guide:script';
const DATASET_KEY = 'microgpt-guide:dataset';

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

// A data set the learner opened: {name, text}, or null for the names list built into the page.
export function loadSavedDataset() {
  try {
    const saved = JSON.parse(localStorage.getItem(DATASET_KEY) ?? 'null');
    return typeof saved?.text === 'string' ? { name: String(saved.name ?? 'data set'), text: saved.text } : null;
  } catch {
    return null;
  }
}

export function saveDataset(dataset) {
  try {
    if (dataset) localStorage.setItem(DATASET_KEY, JSON.stringify(dataset));
    else localStorage.removeItem(DATASET_KEY);
    return true;
  } catch {
    return false;
  }
}
