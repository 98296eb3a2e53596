// The first thing a new owner does: open the setup link, create the account,
// add a component, mark it down, and see the public page say so.
import assert from 'node:assert/strict';
import {
  completeSetup, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

test('setup, create component, major outage shows on the public page', async ({ browser }) => {
  const server = await startStatusd();
  const ctx = await newContext(browser);
  const page = await newPage(ctx);

  await completeSetup(page, server.setupUrl);
  assert.equal(new URL(page.url()).pathname, '/admin', 'setup should land on /admin');

  await page.goto(`${server.baseUrl}/admin/components`);
  const form = page.locator('form#new-component');
  await form.locator('[name=name]').fill('API');
  await submit(page, form.getByRole('button', { name: 'Create component' }));

  const row = page.locator('tr[data-component="API"]');
  await row.waitFor();
  await row.locator('select[name=status]').selectOption('major_outage');
  await submit(page, row.getByRole('button', { name: 'Save status' }));
  assert.equal(
    await page.locator('tr[data-component="API"] select[name=status]').inputValue(),
    'major_outage',
    'admin row should show the saved status',
  );
  await screenshot(page, 'foundation-admin');

  await page.goto(`${server.baseUrl}/`);
  const banner = page.locator('div.banner');
  assert.match(await banner.innerText(), /Major Service Outage/);
  const api = page.locator('li.component[data-component="API"]');
  assert.match(await api.locator('span.status').innerText(), /Major outage/);
  await screenshot(page, 'foundation-public');

  assert.deepEqual(page.errors, [], 'pages should raise no script errors');

  // A browser without the owner's cookies is sent to sign in.
  const stranger = await newPage(await newContext(browser));
  await stranger.goto(`${server.baseUrl}/admin`);
  assert.equal(new URL(stranger.url()).pathname, '/admin/login', 'no session should redirect to /admin/login');
  await stranger.locator('input[name=email]').waitFor();
  await stranger.locator('input[name=password]').waitFor();
  await stranger.getByRole('button', { name: 'Sign in' }).waitFor();
});
