// Drives the Temporal Web UI in headless Chromium (playwright-core, Debian's chromium) for WebUiBrowserTest.
// Usage: node webui-check.cjs <ui base url> <out dir> <workflow id> <run id> <list query>
// Prints one JSON object with the text it read (the Java test asserts on text, never on CSS); saves screenshots.
const { chromium } = require('playwright-core');
const path = require('path');

const [base, outDir, workflowId, runId, query] = process.argv.slice(2);
const TIMEOUT = 30000;

// The text of the page and all its frames, polled until it matches (or the timeout).
async function framesText(page, pattern) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const texts = [];
    for (const frame of page.frames()) {
      texts.push(await frame.innerText('body').catch(() => ''));
    }
    const text = texts.join('\n');
    if (pattern.test(text) || Date.now() > deadline) {
      return text;
    }
    await page.waitForTimeout(250);
  }
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const result = {};
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(TIMEOUT);

    // the workflow list, filtered by a search attribute
    await page.goto(`${base}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    await page.getByText(workflowId, { exact: true }).first().waitFor();
    result.list = await page.innerText('main');
    await page.screenshot({ path: path.join(outDir, 'workflow-list.png'), fullPage: true });

    // the run's page: search attributes, then summary and current details (answered by a worker's query)
    await page.goto(`${base}/namespaces/default/workflows/${workflowId}/${runId}/history`);
    await page.getByText('Search Attributes', { exact: true }).first().click();
    await page.getByText('SafedeployOutcome').first().waitFor();
    result.searchAttributes = await page.innerText('main');
    await page.screenshot({ path: path.join(outDir, 'search-attributes.png'), fullPage: true });

    await page.getByText('User Metadata', { exact: true }).first().click();
    await page.getByText('Current Details', { exact: true }).first().waitFor();
    // the UI renders summary, details and current details as markdown in sandboxed iframes: read every frame
    result.userMetadata = await framesText(page, /stage\s+DONE/);
    await page.screenshot({ path: path.join(outDir, 'user-metadata.png'), fullPage: true });
  } catch (e) {
    result.error = String(e && e.message || e);
    if (page) {
      // what the page showed when it failed, for the test's message and the screenshot beside the others
      result.url = page.url();
      result.text = await page.innerText('body').catch(() => '');
      await page.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true }).catch(() => {});
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
})();
