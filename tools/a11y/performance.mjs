// Lighthouse performance in navigation mode (a cold load of a URL, mobile
// settings: a mid-range phone on a slow 4G network, simulated) for
// scripts/measure_weight.py.
//
// The Python script starts Chromium with a DevTools port, signs a citizen in
// and walks the service. For each URL to measure it opens an empty tab in the
// citizen's browser context (so the request carries their session cookie),
// marks it (`window.kepwebPerformance`) and writes one JSON line here:
// {"token": "...", "url": "..."}. We find that tab over the DevTools protocol
// and let Lighthouse load the URL in it, with the browser cache cleared first
// and the cookies kept (Lighthouse's default storage reset leaves cookies).
// One JSON line answers each request.
//
//   node performance.mjs http://127.0.0.1:<devtools port>

import readline from "node:readline";

import { navigation } from "lighthouse";
import puppeteer from "puppeteer-core";

const CONFIG = {
  extends: "lighthouse:default",
  settings: { onlyCategories: ["performance"] },
};
const METRICS = {
  cls: "cumulative-layout-shift",
  fcp: "first-contentful-paint",
  lcp: "largest-contentful-paint",
  tbt: "total-blocking-time",
  si: "speed-index",
};

const browser = await puppeteer.connect({ browserURL: process.argv[2], defaultViewport: null });

async function markedPage(token) {
  // A tab opened a moment ago may not be known here yet: look again for a few seconds.
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const target of browser.targets()) {
      if (target.type() !== "page") continue;
      const page = await target.page();
      if (page && (await page.evaluate(() => window.kepwebPerformance).catch(() => null)) === token) return page;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no page is marked ${token}`);
}

async function measure(request) {
  const page = await markedPage(request.token);
  const { lhr } = await navigation(page, request.url, { config: CONFIG });
  if (lhr.runtimeError) throw new Error(lhr.runtimeError.message);
  const answer = {
    token: request.token,
    finalUrl: lhr.finalDisplayedUrl,
    score: Math.round(lhr.categories.performance.score * 100),
    warnings: lhr.runWarnings,
  };
  for (const [name, id] of Object.entries(METRICS)) answer[name] = lhr.audits[id].numericValue;
  return answer;
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  let answer;
  try {
    answer = await measure(request);
  } catch (error) {
    answer = { token: request.token, error: String((error && error.stack) || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
await browser.disconnect();
