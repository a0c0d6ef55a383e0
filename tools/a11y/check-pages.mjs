// pa11y (HTML_CodeSniffer) and Lighthouse (accessibility) on pages that a
// Playwright script has already brought to the state under test.
//
// scripts/accessibility_report.py starts Chromium with a DevTools port, walks
// the service, and at each state marks the page (`window.kepwebA11yCheck`) and
// writes one JSON line here: {"token": "...", "viewport": {...}}. We find that
// page over the DevTools protocol and check it as it is, without reloading it
// (many states, such as a form with errors or a warning on screen, cannot be
// reached again by a URL). One JSON line answers each request.
//
//   node check-pages.mjs http://127.0.0.1:<devtools port>

import readline from "node:readline";

import { snapshot } from "lighthouse";
import pa11y from "pa11y";
import puppeteer from "puppeteer-core";

const LIGHTHOUSE_CONFIG = {
  extends: "lighthouse:default",
  settings: {
    onlyCategories: ["accessibility"],
    // The page keeps the screen Playwright gave it (a 360 px phone).
    screenEmulation: { disabled: true },
    formFactor: "mobile",
  },
};

const browser = await puppeteer.connect({ browserURL: process.argv[2], defaultViewport: null });

async function markedPage(token) {
  for (const target of browser.targets()) {
    if (target.type() !== "page") continue;
    const page = await target.page();
    if (page && (await page.evaluate(() => window.kepwebA11yCheck).catch(() => null)) === token) return page;
  }
  throw new Error(`no page is marked ${token}`);
}

async function htmlCodeSniffer(page, viewport) {
  const results = await pa11y(page.url(), {
    browser, page, ignoreUrl: true, viewport,
    runners: ["htmlcs"], standard: "WCAG2AA",
    includeNotices: false, includeWarnings: false,
    timeout: 60000, log: { debug() {}, error: console.error, info() {} },
  });
  return results.issues.map((issue) => ({ code: issue.code, message: issue.message, selector: issue.selector }));
}

async function lighthouseAccessibility(page) {
  const { lhr } = await snapshot(page, { config: LIGHTHOUSE_CONFIG });
  const category = lhr.categories.accessibility;
  const failed = category.auditRefs
    .map((ref) => lhr.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode === "binary")
    .map((audit) => ({ id: audit.id, title: audit.title }));
  return { score: Math.round(category.score * 100), failed };
}

async function check(request) {
  const page = await markedPage(request.token);
  const pa11yIssues = await htmlCodeSniffer(page, request.viewport);
  const lighthouseResult = await lighthouseAccessibility(page);
  return { token: request.token, pa11y: pa11yIssues, lighthouse: lighthouseResult };
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  let answer;
  try {
    answer = await check(request);
  } catch (error) {
    answer = { token: request.token, error: String(error && error.stack || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
await browser.disconnect();
