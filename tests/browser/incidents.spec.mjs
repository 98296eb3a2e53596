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

  // A resolved incident offers a note, not a status form: posting it keeps the incident
  // resolved and the component operational, and notifies nobody unless asked.
  assert.equal(await page.locator('form#new-update').count(), 0, 'no status form on a resolved incident');
  const note = page.locator('form#new-note');
  assert.equal(await note.locator('[name=status]').count(), 0, 'a note has no status');
  assert.equal(await note.getByLabel('Notify subscribers').isChecked(), false, 'a note is quiet by default');
  await note.locator('[name=message]').fill('Root cause: an expired certificate.');
  await submit(page, note.getByRole('button', { name: 'Add note' }));
  assert.match(await page.locator('p.lead').innerText(), /Status: Resolved/);
  assert.match(await page.locator('ol.timeline').innerText(), /expired certificate/);
  await screenshot(page, 'incident-resolved-note');
  await visitor.goto(`${server.baseUrl}/`);
  assert.match(await visitor.locator('div.banner').innerText(), /All Systems Operational/);
  assert.match(await visitor.locator('li.component[data-component="Checkout"] span.status').innerText(), /Operational/);

  // Reopening is an explicit choice that says what it will do.
  await page.locator('#reopen-box summary').click();
  const reopen = page.locator('form#reopen');
  assert.match(await reopen.innerText(), /puts its components back: Checkout → Major outage/);
  assert.equal(await reopen.locator('[name=status]').inputValue(), '', 'no status is preselected');
  await reopen.locator('[name=status]').selectOption('identified');
  await submit(page, reopen.getByRole('button', { name: 'Reopen incident' }));
  assert.match(await page.locator('p.lead').innerText(), /Status: Identified/);
  await visitor.goto(`${server.baseUrl}/`);
  assert.match(await visitor.locator('li.component[data-component="Checkout"] span.status').innerText(), /Major outage/);

  // An open incident's update form starts at its status with no component change ticked.
  const again = page.locator('form#new-update');
  assert.equal(await again.locator('[name=status]').inputValue(), 'identified');
  assert.equal(await again.locator('input[name=change]:checked').count(), 0);
  await again.locator('[name=status]').selectOption('resolved');
  await submit(page, again.getByRole('button', { name: 'Post update' }));
  await visitor.goto(`${server.baseUrl}/`);
  assert.match(await visitor.locator('div.banner').innerText(), /All Systems Operational/);
  assert.deepEqual(page.errors, [], 'admin pages should raise no script errors');
  assert.deepEqual(visitor.errors, [], 'public pages should raise no script errors');
});
