// Objects applied from a status-as-code file, as an editor meets them in the admin: the
// "managed by config" badge, the warning before a hand edit, and "Edit anyway" going
// through. Screenshots (1280 and 375 px, light and dark) of the list, the edit page and
// the warning go to target/screenshots/; axe finds no serious contrast problem.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ROOT, completeSetup, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

const AXE = await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const VIEWS = [
  { name: '1280-light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
  { name: '1280-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
  { name: '375-light', viewport: { width: 375, height: 800 }, colorScheme: 'light' },
  { name: '375-dark', viewport: { width: 375, height: 800 }, colorScheme: 'dark' },
];

const FILE = `[[groups]]
slug = "core"
name = "Core"

[[components]]
slug = "api"
name = "API"
group = "core"
description = "Public REST API"
`;

async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('managed objects carry a badge; a hand edit warns first, then goes through', async ({ browser }) => {
  const server = await startStatusd();
  try {
    // bypassCSP only lets the test inject axe; the pages themselves run no script.
    const ctx = await newContext(browser, { bypassCSP: true });
    const page = await newPage(ctx);
    await completeSetup(page, server.setupUrl);
    await page.goto(`${server.baseUrl}/admin/keys`);
    const keyForm = page.locator('form#new-key');
    await keyForm.locator('[name=name]').fill('config');
    await keyForm.locator('[name=role]').selectOption('owner');
    await submit(page, keyForm.getByRole('button', { name: 'Create key' }));
    const token = (await page.locator('code.token').innerText()).trim();
    const res = await fetch(`${server.baseUrl}/api/v1/config/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ toml: FILE }),
    });
    assert.equal(res.status, 200, await res.text());

    await page.goto(`${server.baseUrl}/admin/components`);
    const row = page.locator('tr[data-component="API"]');
    assert.equal(await row.locator('span.managed').innerText(), 'managed by config');
    const listUrl = page.url();
    await row.getByRole('link', { name: 'Edit' }).click();
    await page.waitForLoadState('load');
    const editUrl = page.url();
    assert.match(await page.locator('p.managed-note').innerText(), /managed by statusd\.toml/);

    await page.fill('input[name=name]', 'API (by hand)');
    await submit(page, page.getByRole('button', { name: 'Save component' }));
    assert.match(await page.locator('h1').innerText(), /Edit component “API” by hand\?/);
    assert.match(await page.locator('.confirm-text').innerText(), /undone by the next apply\. Edit anyway\?/);
    const warningHtml = await page.content();
    assert.deepEqual(await seriousViolations(page), [], 'warning page');

    await submit(page, page.getByRole('button', { name: 'Edit anyway' }));
    assert.equal(new URL(page.url()).pathname, '/admin/components');
    assert.ok(await page.locator('tr[data-component="API (by hand)"]').count() === 1, 'renamed');
    assert.deepEqual(await seriousViolations(page), [], 'list with badge');

    // Screenshots: the list, the edit page, and the warning (re-rendered from its HTML).
    const cookies = await ctx.cookies();
    for (const v of VIEWS) {
      const c = await newContext(browser, { viewport: v.viewport, colorScheme: v.colorScheme });
      await c.addCookies(cookies);
      const p = await newPage(c);
      await p.goto(listUrl);
      await screenshot(p, `managed-list-${v.name}`);
      await p.goto(editUrl);
      await screenshot(p, `managed-edit-${v.name}`);
      await p.setContent(warningHtml.replace('<head>', `<head><base href="${server.baseUrl}/">`));
      await screenshot(p, `managed-warning-${v.name}`);
      await c.close();
    }
    await ctx.close();
  } finally {
    await server.stop();
  }
});
