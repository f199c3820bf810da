// Checks the transcript page in the system Chromium (headless, over the
// DevTools protocol): focuses a sentence by keyboard alone, activates it
// with Enter, reads the audio's currentTime and the marked sentence, runs
// axe-core on the page and keeps a screenshot. Prints one JSON object.
//
//   node check-page.mjs PAGE.html SENTENCE_ID SCREENSHOT.png
import { createRequire } from 'node:module';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const [pagePath, sentenceId, screenshot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--mute-audio'],
});
try {
  const page = await browser.newPage();
  await page.goto('file://' + path.resolve(pagePath), { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('player').readyState >= 1, { timeout: 20000 });
  // Keyboard alone: Tab from the top until the sentence has focus.
  let tabs = 0;
  for (; tabs < 2000; tabs++) {
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (focused === sentenceId) break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (id) => document.getElementById(id).getAttribute('aria-current') === 'true',
    { timeout: 5000 },
    sentenceId,
  );
  const state = await page.evaluate(() => {
    const audio = document.getElementById('player');
    audio.pause();
    const current = document.querySelector('[aria-current="true"]');
    return { currentTime: audio.currentTime, current: current && current.id, focused: document.activeElement.id };
  });
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const results = await page.evaluate(async () => await window.axe.run(document));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({
    ...state,
    tabs,
    violations: results.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })),
  }));
} finally {
  await browser.close();
}
