// The audit log as an owner meets it: reached from the nav's More menu, one row per
// change with who, what and from where, filters that narrow it, and at 375 px the table
// scrolls inside its box instead of the page. Screenshots (1280 and 375 px, light and
// dark) go to target/screenshots/admin-audit-*.
import assert from 'node:assert/strict';
import { completeSetup, newContext, newPage, screenshot, startStatusd, submit, test } from './lib.mjs';

const VIEWS = [
  { name: '1280-light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
  { name: '1280-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
  { name: '375-light', viewport: { width: 375, height: 800 }, colorScheme: 'light' },
  { name: '375-dark', viewport: { width: 375, height: 800 }, colorScheme: 'dark' },
];

test('owners read and filter the audit log from the More menu', async ({ browser }) => {
  const server = await startStatusd();
  const ctx = await newContext(browser);
  const page = await newPage(ctx);
  await completeSetup(page, server.setupUrl);

  await page.goto(`${server.baseUrl}/admin/components`);
  await page.fill('#new-component input[name="name"]', 'Checkout API');
  await submit(page, page.locator('#new-component button[type="submit"]'));

  await page.locator('details.more > summary').click();
  await page.locator('details.more .menu a[href="/admin/audit"]').click();
  assert.equal(new URL(page.url()).pathname, '/admin/audit');
  const row = page.locator('#audit-log tr[data-action="component.create"]');
  assert.match(await row.innerText(), /owner@example\.com[\s\S]*component\.create[\s\S]*Checkout API[\s\S]*127\.0\.0\.1/);

  await page.fill('input[name="action"]', 'auth.');
  await submit(page, page.locator('#audit-filter button[type="submit"]'));
  assert.equal(await page.locator('#audit-log tr[data-action="component.create"]').count(), 0);
  assert.ok(await page.locator('#audit-log tr[data-action="auth.setup"]').count() >= 1);

  const cookies = await ctx.cookies();
  for (const v of VIEWS) {
    const c = await newContext(browser, { viewport: v.viewport, colorScheme: v.colorScheme });
    await c.addCookies(cookies);
    const p = await newPage(c);
    await p.goto(`${server.baseUrl}/admin/audit`);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${v.name}: the page is ${overflow}px wider than the screen`);
    await screenshot(p, `admin-audit-${v.name}`);
    await c.close();
  }
});
