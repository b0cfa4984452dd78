// Runs the cross-engine scenario (scenario.js) in Firefox ESR on the built page.
//
//   node tests/browser/engines/firefox.mjs <file:// URL> <plan JSON> [screenshot dir]
//
// plan JSON: {plan: [[step, args], ...], screenshots: [step, ...]} (engine_scenario.py).
// Prints one JSON line {steps: {step: result}, consoleErrors: {step: [...]}, requests: {step: [...]},
// error?}. pytest (test_engines.py) runs it and checks the results; it is a Node script because
// puppeteer-core is the driver that speaks WebDriver BiDi to Debian's firefox-esr without
// downloading anything.
import { readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const FIREFOX = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';
// One expression (an async arrow function); the formatter ends it with ";".
const SCENARIO = readFileSync(new URL('./scenario.js', import.meta.url), 'utf8')
  .trim()
  .replace(/;$/, '');
const [url, planArg, shots] = process.argv.slice(2);

if (!url || !planArg) {
  console.error('usage: firefox.mjs <file:// URL> <plan JSON> [screenshot dir]');
  process.exit(2);
}
const { plan, screenshots } = JSON.parse(planArg);

async function run(output) {
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
    await page.setViewport({ width: 1440, height: 900 });
    // What the driver sees, per step: console errors and requests (the page's own, over BiDi).
    let current = 'load';
    const note = (kind, text) => {
      (output[kind][current] ??= []).push(text);
    };
    page.on('console', (m) => m.type() === 'error' && note('consoleErrors', m.text()));
    page.on('pageerror', (e) => note('consoleErrors', `pageerror: ${e.message ?? e}`));
    page.on('request', (r) => note('requests', r.url()));
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    for (const [step, args] of plan) {
      current = step;
      // A string, evaluated as an expression (whose Promise the driver awaits).
      const result = await page.evaluate(`(${SCENARIO})(${JSON.stringify(step)}, ${JSON.stringify(args)})`);
      output.steps[step] = result;
      if (shots && screenshots.includes(step)) await page.screenshot({ path: `${shots}/engine-firefox-${step}.png` });
      if (!result?.ok) break;
    }
  } finally {
    await browser.close();
  }
}

const output = { steps: {}, consoleErrors: {}, requests: {} };
let failed = false;
try {
  await run(output);
} catch (error) {
  output.error = String(error?.stack ?? error);
  failed = true;
}
// A data: URL is the page's own (its worker's source, megabytes long): only its scheme is kept,
// so the line stays small. The exit waits for the line to be written: process.exit() ends a
// process whose piped stdout is still being flushed, cutting a long line short.
for (const [step, urls] of Object.entries(output.requests)) {
  output.requests[step] = urls.map((u) => (u.startsWith('data:') ? `data:… (${u.length} characters)` : u));
}
const code = failed || Object.values(output.steps).some((r) => !r?.ok) ? 1 : 0;
process.stdout.write(`${JSON.stringify(output)}\n`, () => process.exit(code));
