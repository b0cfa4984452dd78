// What every guide section shares: a live area for the running script's data, and a code
// panel with the script's own lines for what the section explains.
//
// A section module exports {id, mount(root, ctx), update(info)}:
//   mount  — once, when the page starts: build the DOM, hook up controls (ctx.rpc for Python).
//   update — "data changed": a script was (re)loaded and its setup ran; `info` is the bridge's.
import { CodePanel } from '../ui/code-panel.js';
import { renderStatus } from '../ui/facts.js';

export function sectionFrame(root, { code }) {
  const live = document.createElement('div');
  live.className = 'live-body';
  renderStatus(live, 'Waiting for Python…');
  root.append(live);
  const panel = code ? new CodePanel(root, code) : null;
  return {
    live,
    panel,
    showScript(ctx, info) {
      panel?.setScript(ctx.script().source, info.phases);
    },
  };
}

// A section that only redraws when the script's info changes: `render(live, info)` fills the
// live area; the frame and code panel are handled here.
export function infoSection({ id, code, render }) {
  let frame;
  let ctx;
  return {
    id,
    mount(root, context) {
      ctx = context;
      frame = sectionFrame(root, { code });
    },
    update(info) {
      render(frame.live, info);
      frame.showScript(ctx, info);
    },
  };
}
