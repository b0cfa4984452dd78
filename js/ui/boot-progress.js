// The boot card in the hero: one line per stage (decode -> compile -> start Python -> setup)
// with its time, and a sentence when something fails or is missing.
export class BootProgress {
  constructor(card, badge) {
    this.card = card;
    this.badge = badge;
    this.badgeText = badge.querySelector('.runtime-text');
    this.message = card.querySelector('#boot-message');
    this.total = card.querySelector('#boot-total');
    this.started = performance.now();
  }

  // `label` (optional) renames the stage: what it turned out to be (a setup run at build time).
  stage(name, status, ms, label) {
    const row = this.card.querySelector(`[data-stage="${name}"]`);
    if (!row) return;
    row.dataset.status = status;
    if (label) row.querySelector('.stage-name').textContent = label;
    if (ms != null) row.querySelector('.stage-time').textContent = formatMs(ms);
    // Stages overlap (the wasm compiles while the rest unpacks): the badge names one still running.
    const running = this.card.querySelector('[data-status="running"] .stage-name');
    if (running) this.setBadge('busy', `${running.textContent}…`);
    else if (status === 'done') this.setBadge('busy', 'Starting Python…');
  }

  ready(sinceNavigationMs) {
    this.card.dataset.state = 'ready';
    this.total.textContent = `ready in ${formatMs(sinceNavigationMs)}`;
    this.setBadge('ready', 'Python is running');
  }

  fail(text) {
    this.card.dataset.state = 'error';
    for (const row of this.card.querySelectorAll('[data-status="running"]')) row.dataset.status = 'failed';
    this.message.hidden = false;
    this.message.textContent = text;
    this.setBadge('error', 'Python stopped');
  }

  setBadge(state, text) {
    this.badge.dataset.state = state;
    this.badgeText.textContent = text;
  }
}

export function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
