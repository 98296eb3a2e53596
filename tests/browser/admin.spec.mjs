// The admin as a person meets it: the overview's "needs attention" list, a navigation
// that fits one row, a skip link, confirm pages before deleting, the per-kind monitor
// form, maintenance edits and updates, and sign-in returning to the page asked for.
// Screenshots (1280 and 375 px, light and dark) of the overview, the monitor form and
// the maintenance edit page go to target/screenshots/.
import assert from 'node:assert/strict';
import {
  completeSetup, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

const VIEWS = [
  { name: '1280-light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
  { name: '1280-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
  { name: '375-light', viewport: { width: 375, height: 800 }, colorScheme: 'light' },
  { name: '375-dark', viewport: { width: 375, height: 800 }, colorScheme: 'dark' },
];

/** `datetime-local` text for now + `minutes`, in UTC (the admin reads it as UTC). */
const utcLocal = (minutes) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);

/** Screenshots of `path` in every view, signed in with the cookies of `ctx`. */
async function shoot(browser, ctx, url, name, check) {
  const cookies = await ctx.cookies();
  for (const v of VIEWS) {
    const c = await newContext(browser, { viewport: v.viewport, colorScheme: v.colorScheme });
    await c.addCookies(cookies);
    const p = await newPage(c);
    await p.goto(url);
    if (check) await check(p, v);
    await screenshot(p, `admin-${name}-${v.name}`);
    await c.close();
  }
}

/** The page does not scroll sideways: wide tables scroll inside their own box. */
async function noSidewaysScroll(page, v) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${v.name}: the page is ${overflow}px wider than the screen`);
}

test('overview lists what needs attention; nav fits one row; skip link; confirm before delete', async ({ browser }) => {
  const server = await startStatusd();
  const ctx = await newContext(browser);
  const page = await newPage(ctx);
  await completeSetup(page, server.setupUrl);
  assert.equal(new URL(page.url()).pathname, '/admin');
  assert.match(await page.locator('.allclear').innerText(), /All clear/);

  // One row at 1280 px: every top-level entry sits on the same line, More holds the rest.
  const tops = await page.locator('nav.mainnav > a, nav.mainnav > details > summary')
    .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  assert.ok(tops.length >= 7, `nav entries: ${tops}`);
  assert.ok(Math.max(...tops) - Math.min(...tops) < 8, `nav wraps at 1280 px: tops ${tops}`);
  const bar = await page.locator('header.topbar').boundingBox();
  assert.ok(bar.height < 70, `top bar is ${bar.height}px high`);
  assert.equal(await page.locator('details.more .menu a[href="/admin/users"]').isVisible(), false);
  await page.locator('details.more > summary').click();
  assert.equal(await page.locator('details.more .menu a[href="/admin/users"]').isVisible(), true);

  // The skip link is the first stop and moves focus to the content.
  await page.goto(`${server.baseUrl}/admin`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  assert.ok(await page.locator('a.skip').isVisible(), 'visible when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

  // Something to attend to: a component in an incident, and maintenance in an hour.
  await page.goto(`${server.baseUrl}/admin/components`);
  const comp = page.locator('form#new-component');
  await comp.locator('[name=name]').fill('Checkout API');
  await submit(page, comp.getByRole('button', { name: 'Create component' }));
  assert.match(await page.locator('.flash.notice').innerText(), /Component “Checkout API” created\./);
  await page.goto(`${server.baseUrl}/admin/incidents`);
  const inc = page.locator('form#new-incident');
  await inc.locator('[name=title]').fill('Payments failing for some cards');
  await inc.getByLabel('Checkout API', { exact: true }).check();
  await submit(page, inc.getByRole('button', { name: /Create|Open|Publish/ }));
  await page.goto(`${server.baseUrl}/admin/maintenance`);
  const mf = page.locator('form#new-maintenance');
  await mf.locator('[name=title]').fill('Database upgrade');
  await mf.locator('[name=starts_at]').fill(utcLocal(60));
  await mf.locator('[name=ends_at]').fill(utcLocal(120));
  await submit(page, mf.getByRole('button', { name: 'Schedule' }));
  await page.goto(`${server.baseUrl}/admin`);
  const att = await page.locator('.attention').innerText();
  assert.match(att, /1 open incident/);
  assert.match(att, /Payments failing for some cards/);
  assert.match(att, /Database upgrade/);
  assert.match(await page.locator('main p.lead').innerText(), /^Status: /, 'the overall status names its page');
  await shoot(browser, ctx, `${server.baseUrl}/admin`, 'overview', noSidewaysScroll);

  // Delete asks on its own page; Cancel leaves everything as it was.
  await page.goto(`${server.baseUrl}/admin/components`);
  await page.getByRole('link', { name: 'Edit' }).first().click();
  await page.getByRole('link', { name: /Delete component/ }).click();
  assert.match(await page.locator('h1').innerText(), /Delete component “Checkout API”\?/);
  await page.getByRole('link', { name: 'Cancel' }).click();
  await page.getByRole('link', { name: /Delete component/ }).click();
  await submit(page, page.getByRole('button', { name: 'Delete component' }));
  assert.match(await page.locator('.flash.notice').innerText(), /Component deleted\./);
  assert.deepEqual(page.errors, []);
});

test('monitor form shows only the chosen kind; maintenance is edited and updated', async ({ browser }) => {
  const server = await startStatusd();
  const ctx = await newContext(browser);
  const page = await newPage(ctx);
  await completeSetup(page, server.setupUrl);

  await page.goto(`${server.baseUrl}/admin/monitors`);
  const form = page.locator('form#new-monitor');
  const shown = async () => {
    const out = [];
    for (const k of ['http', 'dns', 'tls', 'heartbeat']) {
      if (await form.locator(`fieldset.kind-${k}`).isVisible()) out.push(k);
    }
    return out;
  };
  assert.deepEqual(await shown(), ['http']);
  await form.locator('[name=kind]').selectOption('dns');
  assert.deepEqual(await shown(), ['dns']);
  await form.locator('[name=kind]').selectOption('tcp');
  assert.deepEqual(await shown(), []);
  await form.locator('[name=kind]').selectOption('http');
  await form.locator('[name=name]').fill('Shop health');
  await form.locator('[name=target]').fill('http://127.0.0.1:9/health');
  await form.locator('[name=interval_seconds]').fill('3600');
  await form.locator('[name=method]').selectOption('HEAD');
  await form.locator('[name=headers]').fill('X-Api-Key: k1');
  await submit(page, form.getByRole('button', { name: 'Create monitor' }));
  assert.match(await page.locator('.flash.notice').innerText(), /Monitor “Shop health” created\./);
  assert.equal(await page.locator('[name=method]').inputValue(), 'HEAD');
  assert.equal(await page.locator('[name=headers]').inputValue(), 'X-Api-Key: ********');
  await shoot(browser, ctx, page.url(), 'monitor-form', noSidewaysScroll);

  // Check now comes back with what happened.
  await submit(page, page.getByRole('button', { name: 'Check now' }));
  assert.match(await page.locator('.flash').first().innerText(), /Check now: (failed|no result yet)/);

  await page.goto(`${server.baseUrl}/admin/maintenance`);
  const mf = page.locator('form#new-maintenance');
  await mf.locator('[name=title]').fill('Network work');
  await mf.locator('[name=starts_at]').fill(utcLocal(180));
  await mf.locator('[name=ends_at]').fill(utcLocal(240));
  await submit(page, mf.getByRole('button', { name: 'Schedule' }));
  await page.getByRole('link', { name: 'Network work' }).click();
  const edit = page.locator('form#edit-maintenance');
  await edit.locator('[name=title]').fill('Network switch replacement');
  await submit(page, edit.getByRole('button', { name: 'Save changes' }));
  assert.match(await page.locator('.flash.notice').innerText(), /saved/);
  const upd = page.locator('form#maintenance-update');
  await upd.locator('[name=message]').fill('Spare switch is on site.');
  await submit(page, upd.getByRole('button', { name: 'Post update' }));
  assert.match(await page.locator('.flash.notice').innerText(), /Update posted/);
  const maintenanceUrl = page.url();
  const id = new URL(maintenanceUrl).pathname.split('/').pop();
  const pub = await newPage(ctx);
  await pub.goto(`${server.baseUrl}/incidents/${id}`);
  assert.match(await pub.locator('body').innerText(), /Spare switch is on site\./);

  // A wrong "extend by" says so beside the field.
  const ext = page.locator('form[action$="/extend"]');
  await ext.evaluate((f) => { f.noValidate = true; });
  await ext.getByLabel('Extend by').fill('0');
  await submit(page, ext.getByRole('button', { name: 'Extend' }));
  assert.match(await page.locator('#err-minutes').innerText(), /minutes/);
  await screenshot(page, 'admin-maintenance-extend-error-1280-light');
  await shoot(browser, ctx, maintenanceUrl, 'maintenance-edit', noSidewaysScroll);
  assert.deepEqual(page.errors, []);
});

test('sign-in returns to the page asked for; a failed sign-in focuses the error', async ({ browser }) => {
  const server = await startStatusd();
  const ctx = await newContext(browser);
  const page = await newPage(ctx);
  const { email, password } = await completeSetup(page, server.setupUrl);

  const fresh = await newContext(browser);
  const p = await newPage(fresh);
  await p.goto(`${server.baseUrl}/admin/maintenance`);
  assert.equal(new URL(p.url()).pathname, '/admin/login');
  await p.fill('input[name=email]', email);
  await p.fill('input[name=password]', 'not the password');
  await submit(p, p.getByRole('button', { name: 'Sign in' }));
  // Autofocus applies at the next rendering update after load.
  await p.waitForFunction(() => document.activeElement?.id === 'form-error', null, { timeout: 3000 });
  await p.fill('input[name=password]', password);
  await submit(p, p.getByRole('button', { name: 'Sign in' }));
  assert.equal(new URL(p.url()).pathname, '/admin/maintenance');
});

test('groups line up under their column heads; affected components line up', async ({ browser }) => {
  const server = await startStatusd();
  const ctx = await newContext(browser);
  const page = await newPage(ctx);
  await completeSetup(page, server.setupUrl);
  await page.goto(`${server.baseUrl}/admin/pages`);
  await page.getByRole('link', { name: 'Edit' }).first().click();
  const pageUrl = page.url();
  for (const name of ['Core services', 'A much longer group name for the edge']) {
    const f = page.locator('form#new-group');
    await f.locator('[name=name]').fill(name);
    await submit(page, f.getByRole('button', { name: 'Add group' }));
  }
  const lefts = async (sel) => page.locator(sel).evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
  const names = await lefts('.grouprow input[name=name]');
  const positions = await lefts('.grouprow input[name=position]');
  const saves = await lefts('.grouprow button');
  assert.equal(names.length, 2);
  for (const col of [names, positions, saves]) assert.equal(new Set(col).size, 1, `column not aligned: ${col}`);
  const heads = await lefts('.grouphead span');
  assert.equal(heads[1], positions[0], 'the Position head sits over its inputs');
  await screenshot(page, 'admin-groups-1280-light');
  assert.equal(page.url(), pageUrl);

  for (const c of ['API', 'A component with a long name']) {
    await page.goto(`${server.baseUrl}/admin/components`);
    const f = page.locator('form#new-component');
    await f.locator('[name=name]').fill(c);
    await submit(page, f.getByRole('button', { name: 'Create component' }));
  }
  await page.goto(`${server.baseUrl}/admin/incidents`);
  const selects = await lefts('form#new-incident fieldset.components select');
  assert.equal(selects.length, 2);
  assert.equal(new Set(selects).size, 1, `status selects not aligned: ${selects}`);
  await screenshot(page, 'admin-incident-form-1280-light');
});
