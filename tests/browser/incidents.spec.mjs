// An editor opens an incident as a draft, publishes it with one click, the public page
// shows it, then resolves it and the page is back to operational.
import assert from 'node:assert/strict';
import {
  completeSetup, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

test('draft incident → publish → public page shows it → resolve → operational', async ({ browser }) => {
  const server = await startStatusd();
  const ctx = await newContext(browser);
  const page = await newPage(ctx);
  await completeSetup(page, server.setupUrl);

  await page.goto(`${server.baseUrl}/admin/components`);
  const form = page.locator('form#new-component');
  await form.locator('[name=name]').fill('Checkout');
  await submit(page, form.getByRole('button', { name: 'Create component' }));
  await page.locator('tr[data-component="Checkout"]').waitFor();

  await page.goto(`${server.baseUrl}/admin/incidents`);
  const inc = page.locator('form#new-incident');
  await inc.locator('[name=title]').fill('Payments failing');
  await inc.locator('[name=impact]').selectOption('critical');
  await inc.getByRole('checkbox', { name: 'Checkout', exact: true }).check();
  await inc.locator('[name=message]').fill('We are **investigating** failed payments.');
  await inc.getByLabel('Save as draft').check();
  await submit(page, inc.getByRole('button', { name: 'Create incident' }));
  assert.match(await page.locator('p.lead').innerText(), /Draft/);

  // The draft is invisible to the public.
  const visitor = await newPage(await newContext(browser));
  await visitor.goto(`${server.baseUrl}/`);
  assert.match(await visitor.locator('div.banner').innerText(), /All Systems Operational/);
  assert.equal(await visitor.getByText('Payments failing').count(), 0, 'a draft must not be public');

  await submit(page, page.getByRole('button', { name: 'Publish' }).first());
  await visitor.goto(`${server.baseUrl}/`);
  assert.match(await visitor.locator('div.banner').innerText(), /Major Service Outage/);
  assert.ok(await visitor.getByText('Payments failing').count() > 0, 'the published incident is on the page');
  assert.match(await visitor.locator('li.component[data-component="Checkout"] span.status').innerText(), /Major outage/);
  await screenshot(visitor, 'incident-public');

  await page.goto(`${server.baseUrl}/admin/incidents`);
  await page.getByRole('link', { name: 'Payments failing' }).first().click();
  const update = page.locator('form#new-update');
  await update.locator('[name=status]').selectOption('resolved');
  await update.locator('[name=message]').fill('Payments work again.');
  await submit(page, update.getByRole('button', { name: 'Post update' }));
  assert.match(await page.locator('p.lead').innerText(), /Resolved/);
  await screenshot(page, 'incident-admin');

  await visitor.goto(`${server.baseUrl}/`);
  assert.match(await visitor.locator('div.banner').innerText(), /All Systems Operational/);
  assert.match(await visitor.locator('li.component[data-component="Checkout"] span.status').innerText(), /Operational/);
  await screenshot(visitor, 'incident-resolved');
  assert.deepEqual(page.errors, [], 'admin pages should raise no script errors');
  assert.deepEqual(visitor.errors, [], 'public pages should raise no script errors');
});
