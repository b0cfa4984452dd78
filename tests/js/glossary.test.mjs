// The glossary's data (js/glossary.json) against the page: every term the prose marks has an
// entry, every entry is used somewhere, and every script name an entry cites is in the script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const entries = JSON.parse(read('js/glossary.json'));
// The page's prose: index.html and each chapter's own (js/sections/<id>/chapter.html).
const chapterPages = readdirSync(new URL('js/sections/', root), { recursive: true }).filter((f) => f.endsWith('chapter.html'));
assert.ok(chapterPages.length > 0, 'the chapters keep their prose in js/sections/<id>/chapter.html');
const html = [read('index.html'), ...chapterPages.map((f) => read(`js/sections/${f}`))].join('\n');
const script = read('py/microgpt.py');
const jsSources = ['js/sections/', 'js/ui/', 'js/editor/'].flatMap((dir) =>
  readdirSync(new URL(dir, root), { recursive: true })
    .filter((f) => f.endsWith('.js'))
    .map((f) => read(dir + f)),
);

const marked = new Set([...html.matchAll(/data-term="([^"]*)"/g)].map((m) => m[1]));
// Sections that draw a marker themselves call termMarker('<id>').
const markedInJs = new Set(jsSources.flatMap((src) => [...src.matchAll(/termMarker\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1])));

test('every entry has an id, a term and a plain-text definition', () => {
  for (const entry of entries) {
    assert.match(entry.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `id ${entry.id}`);
    assert.ok(entry.term && entry.definition, `entry ${entry.id} needs a term and a definition`);
    for (const field of ['term', 'definition', 'aka', 'code']) {
      if (entry[field] != null) assert.doesNotMatch(entry[field], /[<>]/, `${entry.id}.${field} is text, not HTML`);
    }
    assert.ok(entry.definition.length <= 420, `${entry.id}: keep a definition short enough for a tooltip`);
  }
  const ids = entries.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.equal(new Set(entries.map((e) => e.term.toLowerCase())).size, entries.length, 'terms are unique');
});

test('the entries are in alphabetical order, as the Glossary chapter lists them', () => {
  const terms = entries.map((entry) => entry.term);
  assert.deepEqual(terms, [...terms].sort(new Intl.Collator('en', { sensitivity: 'base' }).compare));
});

test('every data-term in the prose has an entry', () => {
  const known = new Set(entries.map((e) => e.id));
  const missing = [...marked, ...markedInJs].filter((id) => !known.has(id));
  assert.deepEqual(missing, []);
});

test('every entry is used somewhere on the page', () => {
  const unused = entries.map((e) => e.id).filter((id) => !marked.has(id) && !markedInJs.has(id));
  assert.deepEqual(unused, []);
});

test('the script names an entry cites exist in py/microgpt.py', () => {
  for (const entry of entries.filter((e) => e.code)) {
    for (const name of entry.code.split(',').map((s) => s.trim())) {
      const pattern = new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_]|$)`, 'm');
      assert.match(script, pattern, `${entry.id} cites "${name}", which py/microgpt.py does not have`);
    }
  }
});

test('the page has the Glossary chapter, its list and its place in the sidebar', () => {
  assert.match(html, /<section class="chapter[^"]*" id="glossary"/);
  assert.match(html, /<dl class="glossary-list" id="glossary-list">/);
  assert.match(html, /<a href="#glossary" data-nav="glossary">/);
});
