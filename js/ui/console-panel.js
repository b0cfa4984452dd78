// The console dock: the script's own printed output, as text. A "\r" rewrites the current
// line, as in a terminal, so the training loop's progress line updates in place.
const MAX_LINES = 2000;

export class ConsolePanel {
  constructor(root) {
    this.body = root.querySelector('#console-body');
    this.toggle = root.querySelector('#console-toggle');
    this.count = root.querySelector('#console-count');
    this.lines = 0;
    this.current = null; // the <span> of the line being written
    this.overwrite = false; // the next text replaces the current line (after "\r")
    this.toggle.addEventListener('click', () => this.setOpen(this.body.hidden));
  }

  setOpen(open) {
    this.body.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) this.body.scrollTop = this.body.scrollHeight;
  }

  write(text, kind = 'stdout') {
    const stick = this.body.scrollTop + this.body.clientHeight >= this.body.scrollHeight - 4;
    for (const piece of text.split(/(\r|\n)/)) {
      if (piece === '\n') { this.current = null; this.overwrite = false; continue; }
      if (piece === '\r') { this.overwrite = true; continue; }
      if (piece === '') continue;
      if (!this.current || (this.current.dataset.kind !== kind && !this.overwrite)) this.newLine(kind);
      if (this.overwrite) { this.current.textContent = ''; this.overwrite = false; }
      this.current.textContent += piece;
    }
    if (stick) this.body.scrollTop = this.body.scrollHeight;
  }

  // A line from the guide itself (not from the script), e.g. "Python restarted".
  system(text, kind = 'system') {
    this.current = null;
    this.write(`${text}\n`, kind);
  }

  newLine(kind) {
    const span = document.createElement('span');
    span.className = `line-${kind}`;
    span.dataset.kind = kind;
    if (this.body.childNodes.length) this.body.append('\n');
    this.body.append(span);
    this.current = span;
    this.lines += 1;
    this.count.textContent = `${this.lines} line${this.lines === 1 ? '' : 's'}`;
    while (this.body.childNodes.length > MAX_LINES * 2) this.body.firstChild.remove();
  }
}
