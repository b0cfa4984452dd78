// A row of labelled figures ("num docs 32033"). Values arrive from Python and are set as text.
export function renderFacts(container, facts, note) {
  const list = document.createElement('dl');
  list.className = 'facts';
  for (const { label, value, flow, title } of facts) {
    const item = document.createElement('div');
    item.className = `fact${flow ? ` ${flow}` : ''}`;
    if (title) item.title = title;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    item.append(dt, dd);
    list.append(item);
  }
  container.replaceChildren(list);
  if (note) {
    const p = document.createElement('p');
    p.className = 'source-note';
    p.textContent = note;
    container.append(p);
  }
}

export function renderStatus(container, text, isError = false) {
  const p = document.createElement('p');
  p.className = `live-status${isError ? ' error' : ''}`;
  p.textContent = text;
  container.replaceChildren(p);
}
