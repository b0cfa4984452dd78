// The cross-engine scenario: what a learner does first, driven through the page's own UI by
// selectors, one named step at a time. Every driver (Playwright for Chromium, puppeteer-core for
// Firefox ESR, Selenium for WebKitGTK) reads this file and evaluates
//
//   (<this file>)(step, args)   ->   Promise of {ok, ms, ...what the page showed} or {ok: false, error}
//
// in the page, so the three engines run one description, and test_engines.py checks one set of
// expectations (engine_scenario.py). The file is a single function expression, with no module
// syntax, because each driver evaluates it as a plain string. Waiting is polling of the DOM with
// a deadline: the page's CSP refuses the drivers' own string-based waits.
async (step, args = {}) => {
  const $ = (selector) => document.querySelector(selector);
  const text = (selector) => $(selector)?.textContent ?? '';
  const show = (id) => document.getElementById(id)?.scrollIntoView({ behavior: 'instant', block: 'start' });
  // Leaves the part a step worked on on screen, for the driver's screenshot.
  const frameFor = (selector) => $(selector)?.scrollIntoView({ behavior: 'instant', block: 'start' });

  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  // Scrolls an element on screen as a reader would; returns how many tries that took (chapters
  // off screen are drawn lazily, so the layout can still move under the first scroll).
  async function bringOnScreen(element) {
    for (let tries = 1; tries <= 10; tries++) {
      element.scrollIntoView({ behavior: 'instant', block: 'center' });
      await frame();
      const box = element.getBoundingClientRect();
      if (box.top >= 0 && box.bottom <= innerHeight) return tries;
    }
    throw new Error(`${element.className} does not stay on screen after scrollIntoView`);
  }

  async function until(what, test, timeoutMs = args.timeoutMs ?? 60_000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = test();
      if (value) return value;
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, args.pollMs ?? 50));
    }
  }

  // The run the page is on (issue 24, "Share"): its step and losses as this copy keeps them (what
  // chapter 6's curve draws), and a name drawn with a fixed seed (what its parameters make).
  async function runNow() {
    const guide = window.microgptGuide;
    const kept = await until('the kept run', () => {
      const run = JSON.parse(localStorage.getItem(guide.storageKey('run')) || 'null');
      return run?.step > 0 && run.history.steps.length === run.step && run;
    });
    const sample = await guide.call('sample', { seed: 1234, temperature: 0.6 });
    return { step: kept.step, losses: kept.history.losses, sample: sample.text };
  }

  // The bytes of one of the file's embedded blocks, base64 (the page is one byte per character).
  function blockOf(bytes, name) {
    const page = new TextDecoder('windows-1252').decode(bytes);
    const open = page.match(new RegExp(`<script [^>]*data-embedded="${name}"[^>]*>`));
    const start = open.index + open[0].length;
    let binary = '';
    for (const b of bytes.subarray(start, page.indexOf('</script>', start))) binary += String.fromCharCode(b);
    return btoa(binary);
  }

  const steps = {
    // The page booted and its script's setup ran; the worker answers a line of Python.
    async ready() {
      const guide = await until('window.microgptGuide', () => window.microgptGuide);
      await until('ready or failed', () => guide.status.state !== 'booting', args.bootTimeoutMs ?? 120_000);
      if (guide.status.state !== 'ready') return { state: guide.status.state, error: guide.status.error };
      const answer = await guide.call('eval', { code: 'import sys; sys.platform' });
      const stages = [...document.querySelectorAll('#boot-stages li')].map((li) => [
        li.dataset.stage,
        li.querySelector('.stage-time')?.textContent ?? '',
      ]);
      return { state: 'ready', bootMs: guide.status.bootMs, platform: answer.repr, stages };
    },

    // The chapter list's link to the Glossary, the page's longest jump, taken before any chapter
    // below the first has been drawn (they stand in at an estimated height until then): how far
    // from its landing place the chapter's top is once it has stayed put for 1.5 s (the lazy chapters
    // above it draw as they come on screen: on a loaded machine that takes a while).
    async glossaryLink() {
      const target = $('#glossary');
      const px = (element, property) => parseFloat(getComputedStyle(element)[property]) || 0;
      const place = px(document.documentElement, 'scrollPaddingTop') + px(target, 'scrollMarginTop');
      const off = () => Math.round(target.getBoundingClientRect().top - place);
      $(".toc a[data-nav='glossary']").click(); // on a phone the list is folded: the link itself
      const seen = [];
      await until(
        'the jump to settle',
        () => {
          seen.push(off());
          return seen.length >= 15 && new Set(seen.slice(-15)).size === 1;
        },
        10_000,
      );
      return { off: seen.at(-1), polls: seen.length };
    },

    // Chapter 6: "Train 1 step" runs the loop body once; its loss shows in the chapter and in
    // the script's own printed line in the console.
    async train() {
      show('training');
      // Where the chapter landed: chapters far off screen are not laid out (content-visibility)
      // and stand in at an estimated height, so a page that got those wrong lands elsewhere.
      await frame();
      const landed = Math.round($('#training').getBoundingClientRect().top);
      const live = '[data-live="training"] .live-body';
      const button = await until('an enabled "Train 1 step"', () => {
        const b = $(`${live} button[data-action="1"]`);
        return b && !b.disabled && text(`${live} .tr-progress`).startsWith('step') && b;
      });
      // The button on screen, where the reader clicks it; redraws elsewhere must not move it.
      const scrollTries = await bringOnScreen(button);
      const top = () => button.getBoundingClientRect().top;
      const topBefore = top();
      button.click();
      // What the learner reads: the chapter draws on the next animation frame after the step.
      await until(
        'step 1 shown',
        () =>
          $(live).dataset.running !== 'true' &&
          text(`${live} .tr-progress`).startsWith('step 1 /') &&
          text(`${live} .tr-doc-card .live-card-note`).startsWith('Step 1:'),
      );
      const printed = [...document.querySelectorAll('#console-body span')]
        .map((s) => s.textContent)
        .filter((line) => line.startsWith('step '));
      const moved = Math.round(top() - topBefore);
      frameFor(`${live} .tr-controls`);
      return {
        landed,
        moved,
        scrollTries,
        loss: Number($(live).dataset.lastLoss).toFixed(4),
        heading: text(`${live} .tr-doc-card .live-card-note`),
        progress: text(`${live} .tr-progress`),
        printed,
      };
    },

    // Stop while Python never returns (a learner's endless loop): the worker is ended, a fresh
    // one takes over, and the model comes back as it was after the last completed step.
    async stop() {
      const guide = window.microgptGuide;
      const stepBefore = (await guide.call('info', {})).step;
      const endless = guide.call('eval', { code: 'while True: pass' }).then(
        () => 'returned',
        (e) => e?.type ?? String(e),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopped = await guide.stop();
      const info = await guide.call('info', {});
      return {
        stepBefore,
        step: info.step,
        stoppedAt: stopped.step,
        endless: await endless,
        state: guide.status.state,
        msBack: Math.round(stopped.ms),
        console: text('#console-body').includes('Python is back'),
      };
    },

    // Chapter 7: "Sample again" draws the next seeded name with the script's sampling loop.
    async sample() {
      show('inference');
      const done = () => $('#inference .inf-row')?.dataset.state === 'done' && $('#inference .inf-text strong');
      await until('the first sample typed out', done);
      const seedBefore = text('#inference .inf-seed');
      const before = text('#inference .inf-text strong');
      $('#inference .inf-again').click();
      await until('the next draw typed out', () => text('#inference .inf-seed') !== seedBefore && done());
      frameFor('[data-live="inference"]');
      return { before, seedBefore, name: text('#inference .inf-text strong'), seed: text('#inference .inf-seed') };
    },

    // Chapter 4: Next walks one traced gpt() call statement by statement.
    async forward() {
      show('architecture');
      const live = '[data-live="architecture"] .arch-live';
      await until('a traced call', () => $(live)?.dataset.steps && $(`${live} .arch-next`));
      const seen = [{ counter: text(`${live} .arch-counter`), block: $(live).dataset.block }];
      for (let i = 0; i < 3; i++) {
        $(`${live} .arch-next`).click();
        seen.push({ counter: text(`${live} .arch-counter`), block: $(live).dataset.block });
      }
      frameFor(live);
      return { seen };
    },

    // "Download guide" with the trained run: the dialog lists it ticked, and the file it makes
    // (caught as the Blob the page saves, not downloaded) carries it. The driver writes the
    // file's runs and script blocks into a copy of the built page and opens that (opened below).
    async share() {
      show('script');
      const before = await runNow();
      let file = null;
      const createObjectURL = URL.createObjectURL;
      const click = HTMLAnchorElement.prototype.click;
      URL.createObjectURL = (blob) => {
        file = blob;
        return createObjectURL.call(URL, blob);
      };
      HTMLAnchorElement.prototype.click = function () {
        if (!this.download) click.call(this);
      };
      try {
        $('#script-workbench .script-download').click();
        const ticked = () => [...document.querySelectorAll('.share-runs[open] .share-run')].find((r) => r.querySelector('input').checked);
        const row = await until('the run in the dialog, ticked', ticked);
        const listed = { text: row.textContent, ticked: row.querySelector('input').checked };
        $('.share-runs[open] .share-save').click();
        await until('the file', () => file);
        const bytes = new Uint8Array(await file.arrayBuffer());
        return { ...before, listed, blocks: { runs: blockOf(bytes, 'runs'), 'default-script': blockOf(bytes, 'default-script') } };
      } finally {
        URL.createObjectURL = createObjectURL;
        HTMLAnchorElement.prototype.click = click;
      }
    },

    // The copy made from share's file, opened in this engine: it is on the shared run.
    async opened() {
      return { ...(await runNow()), console: text('#console-body').includes('Opened on the run') };
    },

    // Chapter 0: the hyperparameter fields rewrite the script's constants in the editor, Run
    // loads it, and the parameters chapter shows the new len(params).
    async edit() {
      show('script');
      const total = () => $('[data-live="parameters"] [data-total]')?.dataset.total;
      const totalBefore = await until('the parameter count', total);
      const field = (name) => $(`#script-workbench .hyper-input[name="${name}"]`);
      await until('the fields filled from the script', () => field('n_embd')?.value && !field('n_embd').disabled);
      const fieldsBefore = { n_embd: field('n_embd').value, n_head: field('n_head').value };
      for (const [name, value] of Object.entries(args.fields ?? {})) {
        field(name).value = value;
        field(name).dispatchEvent(new Event('input', { bubbles: true }));
      }
      $('#script-workbench .hyper-apply').click();
      const kind = () => $('#script-workbench .script-status')?.dataset.kind;
      await until('the run to end', () => ['ok', 'error'].includes(kind()));
      await until('the parameters chapter to redraw', () => kind() !== 'ok' || total() !== totalBefore);
      // Run runs the editor's text, so the script Python now holds is what the fields wrote there.
      const names = Object.keys(args.fields ?? {});
      const ran = await window.microgptGuide.call('eval', { code: `[${names.join(', ')}]` });
      return {
        totalBefore: Number(totalBefore),
        total: Number(total()),
        fieldsBefore,
        status: [kind(), text('#script-workbench .script-status')],
        ran: ran.repr,
        editor: Boolean($('#script-workbench .cm-editor')), // CodeMirror took over from the preview
        modified: $('#script-workbench').dataset.modified,
        shownTotal: text('[data-live="parameters"] [data-total]'),
      };
    },

    // A standard module outside the stdlib's boot zip: its first import decodes the lazy zip, in
    // Python, inside the import (py/builder/stdlib_lazy.py), and the module works.
    async lazyStdlib() {
      const code =
        'import email.message, sqlite3\n' +
        "(email.message.__spec__.origin, sqlite3.connect(':memory:').execute('select 6 * 7').fetchone()[0])";
      const answer = await window.microgptGuide.call('eval', { code });
      return { repr: answer.repr };
    },

    // Offline: what the page can see of itself (a driver may see more). The page's CSP is in
    // force (a fetch to another host is refused and reported as a violation), no resource the
    // document loaded came from a network URL, and no uncaught error was recorded.
    async offline() {
      const policy = $('meta[http-equiv="Content-Security-Policy"]')?.content ?? '';
      const loaded = performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((url) => !/^(data|blob|file):/.test(url));
      const violations = [];
      const listen = (e) => violations.push(e.violatedDirective);
      document.addEventListener('securitypolicyviolation', listen);
      let fetched = 'allowed';
      try {
        await fetch('https://csp-probe.invalid/');
      } catch {
        fetched = 'refused';
      }
      await until('the violation report', () => violations.length, 5000).catch(() => {});
      document.removeEventListener('securitypolicyviolation', listen);
      // Leave no saved edit behind for a browser profile that outlives this run.
      localStorage.removeItem(window.microgptGuide.storageKey('script'));
      return { policy, loaded, fetched, violations, errors: [...(window.microgptGuide?.errors ?? [])] };
    },
  };

  const t0 = performance.now();
  try {
    if (!steps[step]) throw new Error(`no scenario step ${step}`);
    const result = await steps[step]();
    return { ok: true, ms: Math.round(performance.now() - t0), ...result };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - t0), error: String(error?.stack ?? error) };
  }
};
