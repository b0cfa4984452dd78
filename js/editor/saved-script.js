// Keeps the learner's edits across a reload: the editor's text while it differs from the script
// the page was built with, and a data set the learner opened, in this copy's own storage
// (js/copy-storage.js). When storage is missing or full, edits simply do not persist.
import { readJson, writeJson } from '../copy-storage.js';

export function loadSaved(defaultSource) {
  const saved = readJson('script');
  return typeof saved?.source === 'string' && saved.source !== defaultSource ? saved.source : null;
}

export function save(source, defaultSource) {
  return writeJson('script', source === defaultSource ? null : { source, savedAt: Date.now() });
}

// A data set the learner opened: {name, text}, or null for the names list built into the page.
export function loadSavedDataset() {
  const saved = readJson('dataset');
  return typeof saved?.text === 'string' ? { name: String(saved.name ?? 'data set'), text: saved.text } : null;
}

export function saveDataset(dataset) {
  return writeJson('dataset', dataset ?? null);
}
