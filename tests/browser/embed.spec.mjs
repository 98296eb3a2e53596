// The embed widget on somebody else's site: a page served from another origin (a second
// local port) under a strict CSP loads /embed.js with one <script> tag. Nothing shows
// while all is well; a notice shows once a component is down; the host page keeps its
// own styles and gains no globals.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import {
  completeSetup, freePort, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

/** Serves the host site: /plain.html without the widget and /with.html with it. */
async function hostSite(statusUrl, integrity, options) {
  const port = await freePort();
  const csp = [
    "default-src 'none'",
    `script-src '${integrity}'`,
    `connect-src ${statusUrl}`,
    "style-src 'self'",
    "img-src 'none'",
  ].join('; ');
  const body = (withWidget) => `<!doctype html><html><head><title>Host</title>
<link rel="stylesheet" href="/host.css"></head><body>
<h1 id="host-title">Acme shop</h1><p>Welcome.</p>
${withWidget ? `<script src="${statusUrl}/embed.js" integrity="${integrity}" crossorigin="anonymous" ${options}></script>` : ''}
</body></html>`;
  const srv = createServer((req, res) => {
    if (req.url === '/host.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      return res.end('h1 { color: rgb(0, 128, 0); font-family: serif; } div { color: rgb(1, 2, 3); }');
    }
    const page = { '/plain.html': false, '/with.html': true }[req.url];
    if (page === undefined) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
    res.end(body(page));
  });
  await new Promise((ok) => srv.listen(port, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => srv.close(ok)) };
}

/** Loads a host page and waits until the widget has read summary.json. */
async function visit(page, url, statusUrl) {
  const summary = page.waitForResponse((r) => r.url().startsWith(`${statusUrl}/`) && r.url().endsWith('/summary.json'));
  await page.goto(url);
  assert.equal((await summary).status(), 200);
  await page.waitForTimeout(300);
}

test('the widget shows only when something is wrong, on another origin under a strict CSP', async ({ browser }) => {
  const server = await startStatusd();
  const admin = await newPage(await newContext(browser));
  await completeSetup(admin, server.setupUrl);
  await admin.goto(`${server.baseUrl}/admin/components`);
  const form = admin.locator('form#new-component');
  await form.locator('[name=name]').fill('Checkout');
  await submit(admin, form.getByRole('button', { name: 'Create component' }));

  const script = await (await fetch(`${server.baseUrl}/embed.js`)).arrayBuffer();
  const integrity = `sha384-${createHash('sha384').update(Buffer.from(script)).digest('base64')}`;
  const host = await hostSite(server.baseUrl, integrity, 'data-position="bottom-right" data-theme="auto"');
  try {
    const ctx = await newContext(browser);
    const page = await newPage(ctx);
    const complaints = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') complaints.push(m.text()); });

    await page.goto(`${host.url}/plain.html`);
    const globalsBefore = await page.evaluate(() => Object.keys(window).sort());
    await visit(page, `${host.url}/with.html`, server.baseUrl);
    assert.equal(await page.locator('[data-statusd-embed]').count(), 0, 'nothing while all is well');
    assert.deepEqual(await page.evaluate(() => Object.keys(window).sort()), globalsBefore, 'no globals');

    // Something breaks: a published critical incident on Checkout.
    await admin.goto(`${server.baseUrl}/admin/incidents`);
    const inc = admin.locator('form#new-incident');
    await inc.locator('[name=title]').fill('Payments failing');
    await inc.locator('[name=impact]').selectOption('critical');
    await inc.getByRole('checkbox', { name: 'Checkout', exact: true }).check();
    await inc.locator('[name=message]').fill('We are investigating.');
    await submit(admin, inc.getByRole('button', { name: 'Create incident' }));

    await visit(page, `${host.url}/with.html`, server.baseUrl);
    const notice = page.locator('[data-statusd-embed] [role=status]');
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, /Outage/i);
    assert.match(text, /Payments failing/);
    const link = notice.getByRole('link', { name: 'View status' });
    assert.ok((await link.getAttribute('href')).startsWith(server.baseUrl), 'links to the status page');
    // The host's CSS does not reach in, the widget's does not leak out.
    assert.notEqual(await notice.evaluate((e) => getComputedStyle(e).color), 'rgb(1, 2, 3)');
    assert.equal(await page.locator('#host-title').evaluate((e) => getComputedStyle(e).color), 'rgb(0, 128, 0)');
    assert.deepEqual(await page.evaluate(() => Object.keys(window).sort()), globalsBefore, 'no globals');
    const box = await notice.boundingBox();
    assert.ok(box && box.x > 600 && box.y > 600, `bottom-right: ${JSON.stringify(box)}`);
    await screenshot(page, 'embed-widget-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'embed-widget-dark');
    await page.setViewportSize({ width: 375, height: 700 });
    await screenshot(page, 'embed-widget-375');

    // Dismissed, it is gone.
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await page.locator('[data-statusd-embed]').count(), 0);
    assert.deepEqual(complaints.filter((c) => /Content Security Policy|Refused/i.test(c)), [], 'no CSP violations');
    assert.deepEqual(page.errors, []);
  } finally {
    await host.close();
  }
});

test('a top banner for one page, by data-page', async ({ browser }) => {
  const server = await startStatusd();
  const admin = await newPage(await newContext(browser));
  await completeSetup(admin, server.setupUrl);
  await admin.goto(`${server.baseUrl}/admin/components`);
  const form = admin.locator('form#new-component');
  await form.locator('[name=name]').fill('Search');
  await submit(admin, form.getByRole('button', { name: 'Create component' }));
  await admin.goto(`${server.baseUrl}/admin/incidents`);
  const inc = admin.locator('form#new-incident');
  await inc.locator('[name=title]').fill('Slow search');
  await inc.locator('[name=impact]').selectOption('minor');
  await inc.getByRole('checkbox', { name: 'Search', exact: true }).check();
  await inc.locator('[name=message]').fill('Looking into it.');
  await submit(admin, inc.getByRole('button', { name: 'Create incident' }));

  const script = await (await fetch(`${server.baseUrl}/embed.js`)).arrayBuffer();
  const integrity = `sha384-${createHash('sha384').update(Buffer.from(script)).digest('base64')}`;
  const host = await hostSite(server.baseUrl, integrity, 'data-page="default" data-position="top" data-theme="dark"');
  try {
    const page = await newPage(await newContext(browser));
    await visit(page, `${host.url}/with.html`, server.baseUrl);
    const notice = page.locator('[data-statusd-embed] [role=status]');
    await notice.waitFor();
    assert.match(await notice.innerText(), /Slow search/);
    const box = await notice.boundingBox();
    assert.ok(box && box.y === 0 && box.width >= 1270, `top banner: ${JSON.stringify(box)}`);
    await screenshot(page, 'embed-widget-top-dark');
    assert.deepEqual(page.errors, []);
  } finally {
    await host.close();
  }
});
