// The console dock: the script's own printed output, as text. A "\r" rewrites the current
// line, as in a terminal, so the training loop's progress line updates in place.
const MAX_LINES = 2000;

export class ConsolePanel {
  constructor(root) {
    this.body = root.querySelector('#console-body');
    this.toggle = root.querySelector('#console-toggle');
    this.count = root.querySelector('#console-count');
    this.lines = 0;
    this.channels = new Map(); // channel -> {current: the <span> being written, overwrite: after "\r"}
    this.stick = null; // while a scroll-to-bottom is queued: whether the view was at the bottom
    this.toggle.addEventListener('click', () => this.setOpen(this.body.hidden));
  }

  setOpen(open) {
    this.body.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) this.body.scrollTop = this.body.scrollHeight;
  }

  // `channel`: who is writing (the script's phase: setup, train, sample...). Each channel has
  // its own current line, so the training loop's "\r" progress line keeps updating in place
  // even when another section's call prints between two steps.
  write(text, kind = 'stdout', channel = kind) {
    // Reading scroll sizes forces a layout; a closed console needs none, and an open one
    // scrolls once per frame however many lines arrive.
    if (!this.body.hidden && this.stick == null) {
      this.stick = this.body.scrollTop + this.body.clientHeight >= this.body.scrollHeight - 4;
      requestAnimationFrame(() => {
        if (this.stick) this.body.scrollTop = this.body.scrollHeight;
        this.stick = null;
      });
    }
    const state = this.channel(channel);
    for (const piece of text.split(/(\r|\n)/)) {
      if (piece === '\n') {
        state.current = null;
        state.overwrite = false;
        continue;
      }
      if (piece === '\r') {
        state.overwrite = true;
        continue;
      }
      if (piece === '') continue;
      if (!state.current?.isConnected || (state.current.dataset.kind !== kind && !state.overwrite)) state.current = this.newLine(kind);
      if (state.overwrite) {
        state.current.textContent = '';
        state.overwrite = false;
      }
      state.current.textContent += piece;
    }
  }

  channel(name) {
    if (!this.channels.has(name)) this.channels.set(name, { current: null, overwrite: false });
    return this.channels.get(name);
  }

  // A line from the guide itself (not from the script), e.g. "Python restarted".
  system(text, kind = 'system') {
    this.channels.clear();
    this.write(`${text}\n`, kind);
  }

  newLine(kind) {
    const span = document.createElement('span');
    span.className = `line-${kind}`;
    span.dataset.kind = kind;
    if (this.body.childNodes.length) this.body.append('\n');
    this.body.append(span);
    this.lines += 1;
    // The number and its unit apart: a phone's top bar shows the number alone (components.css).
    const unit = document.createElement('span');
    unit.className = 'console-unit';
    unit.textContent = ` line${this.lines === 1 ? '' : 's'}`;
    this.count.replaceChildren(String(this.lines), unit);
    while (this.body.childNodes.length > MAX_LINES * 2) this.body.firstChild.remove();
    return span;
  }
}
