// Smoke test of the built page in Firefox ESR: open it, wait for `ready`, run one line of Python.
//
//   node tests/browser/engines/firefox_smoke.mjs file:///…/microgpt-guide.html [timeoutSeconds]
//
// Prints one JSON line {state, bootMs, eval, errors, consoleErrors, stages, error?} and exits 0 only when
// the page booted, answered the eval and recorded no errors. pytest (test_engines.py) runs it;
// it is a separate Node script because puppeteer-core is the driver that speaks WebDriver BiDi to
// Debian's firefox-esr without downloading anything.
import puppeteer from 'puppeteer-core';

const FIREFOX = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';
const [url, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg ?? 90) * 1000;

if (!url) {
  console.error('usage: firefox_smoke.mjs <file:// URL> [timeoutSeconds]');
  process.exit(2);
}

// Poll from Node with evaluate of a *function*: the page's CSP has no 'unsafe-eval', so string
// evaluation (waitForFunction with a string) may be refused.
async function waitForBoot(page, deadline) {
  for (;;) {
    const status = await page.evaluate(() => {
      const guide = window.microgptGuide;
      if (!guide) return { state: 'loading', error: null, bootMs: null };
      return JSON.parse(JSON.stringify(guide.status));
    });
    if (status.state === 'ready' || status.state === 'failed') return status;
    if (Date.now() > deadline) return { ...status, state: 'timeout' };
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function run() {
  const result = { state: null, bootMs: null, eval: null, errors: null, consoleErrors: [], stages: [] };
  // No userDataDir: puppeteer creates a fresh temporary profile and deletes it on close, so no
  // state leaks between runs or from a user's own Firefox.
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    timeout: 60_000,
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && result.consoleErrors.push(m.text()));
    page.on('pageerror', (e) => result.consoleErrors.push(`pageerror: ${e.message ?? e}`));
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    const status = await waitForBoot(page, Date.now() + timeoutMs);
    Object.assign(result, { state: status.state, bootMs: status.bootMs });
    if (status.error) result.error = status.error;
    if (status.state === 'ready') {
      result.eval = await page.evaluate(async () => {
        try {
          return { ok: true, ...(await window.microgptGuide.call('eval', { code: 'import sys; sys.platform' })) };
        } catch (error) {
          return { ok: false, error: JSON.parse(JSON.stringify(error ?? null)) };
        }
      });
    }
    result.errors = await page.evaluate(() => [...(window.microgptGuide?.errors ?? [])]);
    // The boot panel's per-stage times, to tell a slow decode from a slow compile or Python.
    result.stages = await page.evaluate(() => [...document.querySelectorAll('#boot-stages li')].map(
      (li) => [li.dataset.stage, li.querySelector('.stage-time')?.textContent ?? '']));
  } finally {
    await browser.close();
  }
  return result;
}

let result;
try {
  result = await run();
} catch (error) {
  result = { state: 'driver-error', error: String(error?.stack ?? error) };
}
console.log(JSON.stringify(result));
const ok = result.state === 'ready' && result.eval?.ok && result.errors?.length === 0;
process.exit(ok ? 0 : 1);
