// axe-core on the pages people meet (public page with every status, an incident, history,
// subscribe, sign-in, the admin overview) in light and dark: no serious or critical
// violation (contrast included), and screenshots at 1280 and 375 px.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import {
  ROOT, completeSetup, newContext, newPage, screenshot, startSink, startStatusd, submit, test,
} from './lib.mjs';

const AXE = await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Serious and critical axe violations of the page as it is now, as readable lines. */
async function violations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary.split('\n')[1] || ''}`).join(' | ')}`);
}

async function api(server, token, method, path, body) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

test('public, incident, history, subscribe, sign-in and admin pages pass axe in light and dark', async ({ browser }) => {
  const server = await startStatusd();
  const admin = await newPage(await newContext(browser));
  await completeSetup(admin, server.setupUrl);
  await admin.goto(`${server.baseUrl}/admin/keys`);
  const form = admin.locator('form#new-key');
  await form.locator('[name=name]').fill('a11y');
  await submit(admin, form.getByRole('button', { name: 'Create key' }));
  const token = (await admin.locator('code.token').innerText()).trim();

  // Every status word and banner colour shows somewhere.
  const ids = {};
  for (const [name, status] of [
    ['Website', 'operational'], ['API', 'degraded_performance'], ['Checkout', 'partial_outage'],
    ['Search', 'major_outage'], ['Reports', 'under_maintenance'],
  ]) {
    const c = await api(server, token, 'POST', '/api/v1/components', { name, description: `The ${name}.` });
    await api(server, token, 'PATCH', `/api/v1/components/${c.id}`, { status });
    ids[name] = c.id;
  }
  const inc = await api(server, token, 'POST', '/api/v1/incidents', {
    title: 'Search is down', status: 'identified', impact: 'critical',
    component_ids: [ids.Search], message: 'We found the cause: a **full disk**. [Details](https://example.com).',
  });
  await api(server, token, 'POST', `/api/v1/incidents/${inc.id}/updates`, { status: 'monitoring', message: 'A fix is out.' });

  const pages = [
    ['public', '/'],
    ['incident', `/incidents/${inc.id}`],
    ['history', '/history'],
    ['subscribe', '/subscribe'],
    ['uptime', '/uptime'],
  ];
  const problems = [];
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [1280, 375]) {
      const visitor = await newPage(await newContext(browser, { viewport: { width, height: 900 }, colorScheme, bypassCSP: true }));
      const signedIn = await newPage(await newContext(browser, { viewport: { width, height: 900 }, colorScheme, bypassCSP: true }));
      await signedIn.goto(`${server.baseUrl}/admin/login`);
      await screenshot(signedIn, `a11y-signin-${colorScheme}-${width}`);
      if (width === 1280) for (const v of await violations(signedIn)) problems.push(`sign-in ${colorScheme}: ${v}`);
      await signedIn.fill('input[name=email]', 'owner@example.com');
      await signedIn.fill('input[name=password]', 'correct horse battery staple');
      await submit(signedIn, signedIn.getByRole('button', { name: /sign in/i }));
      await signedIn.goto(`${server.baseUrl}/admin`);
      await screenshot(signedIn, `a11y-admin-${colorScheme}-${width}`);
      if (width === 1280) for (const v of await violations(signedIn)) problems.push(`admin ${colorScheme}: ${v}`);
      for (const [name, path] of pages) {
        await visitor.goto(`${server.baseUrl}${path}`);
        await screenshot(visitor, `a11y-${name}-${colorScheme}-${width}`);
        if (width === 1280) for (const v of await violations(visitor)) problems.push(`${name} ${colorScheme}: ${v}`);
        // Nothing is wider than the screen on a phone.
        const overflow = await visitor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) problems.push(`${name} at ${width} px scrolls sideways by ${overflow} px`);
      }
      await visitor.goto(`${server.baseUrl}/`);
      const subscribe = visitor.getByRole('link', { name: 'Subscribe to updates' });
      assert.equal(await subscribe.count(), 1, 'a Subscribe button at the top');
      await submit(visitor, subscribe);
      assert.match(visitor.url(), /\/subscribe$/);
      for (const heading of ['By email', 'By webhook or Slack', 'By feed']) {
        assert.equal(await visitor.getByRole('heading', { name: heading }).count(), 1, heading);
      }
      assert.deepEqual(visitor.errors, []);
    }
  }
  assert.deepEqual(problems, [], `axe (serious or critical) and layout problems:\n${problems.join('\n')}`);
}, { timeoutMs: 180_000 });

/** A `size`×`size` PNG: a filled square in `rgb` with a white diagonal (a stand-in logo). */
function squarePng(size, [r, g, b]) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const white = Math.abs(x - y) < 3;
      row.set(white ? [255, 255, 255] : [r, g, b], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a logo and accent colour set in the admin show on the public page under its CSP, in light and dark', async ({ browser }) => {
  const server = await startStatusd();
  const admin = await newPage(await newContext(browser));
  await completeSetup(admin, server.setupUrl);
  await admin.goto(`${server.baseUrl}/admin/pages`);
  await submit(admin, admin.locator('tr[data-page=default]').getByRole('link', { name: 'Edit' }));
  const editUrl = admin.url();

  // A colour too light for white button text is refused in words, beside the field.
  await admin.getByLabel(/^Accent colour/).fill('#ffcc00');
  await submit(admin, admin.getByRole('button', { name: 'Save page' }));
  assert.match(await admin.locator('#err-accent_color').innerText(), /too light: its contrast with the light background is 1\.\d+:1/);
  await admin.goto(editUrl);
  await admin.getByLabel(/^Accent colour/).fill('#7a1fa2');
  await submit(admin, admin.getByRole('button', { name: 'Save page' }));
  assert.match(await admin.locator('body').innerText(), /Page saved\./);

  await admin.locator('#logo-form input[type=file]').setInputFiles({
    name: 'logo.png', mimeType: 'image/png', buffer: squarePng(96, [122, 31, 162]),
  });
  await submit(admin, admin.getByRole('button', { name: 'Upload logo' }));
  assert.match(await admin.locator('body').innerText(), /Logo saved\./);
  await screenshot(admin, 'branding-admin-page-edit');

  const problems = [];
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [1280, 375]) {
      // No CSP bypass: the accent style and the logo must pass the page's own policy.
      const visitor = await newPage(await newContext(browser, { viewport: { width, height: 900 }, colorScheme }));
      const blocked = [];
      visitor.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
      await visitor.goto(`${server.baseUrl}/`);
      const logo = visitor.locator('header.pagehead img.logo');
      assert.equal(await logo.getAttribute('alt'), 'Status');
      assert.match(await logo.getAttribute('src'), /^\/logo\/[0-9a-f]{16}\.png$/);
      assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth === 96), 'the logo loads');
      const [button, label] = await visitor.getByRole('link', { name: 'Subscribe to updates' })
        .evaluate((a) => [getComputedStyle(a).backgroundColor, getComputedStyle(a).color]);
      assert.notEqual(label, button, "the button's words differ from its background");
      if (colorScheme === 'light') assert.equal(button, 'rgb(122, 31, 162)', 'the accent colours the button');
      else assert.notEqual(button, 'rgb(127, 169, 247)', 'dark mode uses the page accent, not the default');
      assert.deepEqual(blocked, [], 'nothing blocked by the CSP');
      await screenshot(visitor, `branding-public-${colorScheme}-${width}`);
      if (width === 1280) {
        const axePage = await newPage(await newContext(browser, { colorScheme, bypassCSP: true }));
        await axePage.goto(`${server.baseUrl}/`);
        for (const v of await violations(axePage)) problems.push(`branded public ${colorScheme}: ${v}`);
      }
      const overflow = await visitor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) problems.push(`branded public at ${width} px scrolls sideways by ${overflow} px`);
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'));
}, { timeoutMs: 120_000 });

/** Uploads `png` as the logo of page `id` with the API key `token`. */
async function putLogo(server, token, id, png) {
  const res = await fetch(`${server.baseUrl}/api/v1/pages/${id}/logo`, {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: png,
  });
  assert.ok(res.ok, `logo upload → ${res.status}: ${await res.text()}`);
}

test('every document of a branded page (history, incident, uptime, subscribe, confirm, manage, unsubscribe, customer sign-in) wears its logo and accent', async ({ browser }) => {
  const sink = await startSink();
  const server = await startStatusd({
    env: { STATUSD_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, STATUSD_SMTP_FROM: 'status@example.com' },
  });
  const admin = await newPage(await newContext(browser));
  await completeSetup(admin, server.setupUrl);
  await admin.goto(`${server.baseUrl}/admin/keys`);
  const form = admin.locator('form#new-key');
  await form.locator('[name=name]').fill('surface');
  await submit(admin, form.getByRole('button', { name: 'Create key' }));
  const token = (await admin.locator('code.token').innerText()).trim();
  const png = squarePng(96, [122, 31, 162]);
  const acme = await api(server, token, 'POST', '/api/v1/pages', {
    slug: 'acme', title: 'Acme status', audience: 'customer', allowed_domains: ['acme.com'],
  });
  for (const id of ['default', acme.id]) {
    await api(server, token, 'PATCH', `/api/v1/pages/${id}`, { accent_color: '#7a1fa2' });
    await putLogo(server, token, id, png);
  }
  const ids = [];
  for (const name of ['Website', 'API', 'Checkout and payments (card, invoice, bank transfer)']) {
    ids.push((await api(server, token, 'POST', '/api/v1/components', { name })).id);
  }
  const inc = await api(server, token, 'POST', '/api/v1/incidents', {
    title: 'Checkout is slow', status: 'investigating', impact: 'minor', component_ids: [ids[2]], message: 'Looking.',
  });

  const problems = [];
  let n = 0;
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [1280, 375]) {
      n += 1;
      // No CSP bypass: the accent style and the logo must pass each document's own policy.
      const visitor = await newPage(await newContext(browser, { viewport: { width, height: 800 }, colorScheme }));
      const blocked = [];
      visitor.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(`${visitor.url()}: ${m.text()}`); });
      let homeRule;
      /** The document now shown carries the page's header: logo, name, accent rule as on its home page. */
      const check = async (name, title) => {
        const head = visitor.locator('header.pagehead');
        assert.equal(await head.count(), 1, `${name}: one page header`);
        assert.match(await head.innerText(), new RegExp(title), `${name}: the page's name in the header`);
        assert.ok(await head.locator('img.logo').evaluate((img) => img.complete && img.naturalWidth === 96), `${name}: the logo loads`);
        const rule = await head.evaluate((h) => getComputedStyle(h).borderBottomColor);
        homeRule ??= rule;
        if (colorScheme === 'light') assert.equal(rule, 'rgb(122, 31, 162)', `${name}: the accent colours the header`);
        else assert.equal(rule, homeRule, `${name}: the same accent as the home page`);
        const overflow = await visitor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) problems.push(`${name} at ${width} px ${colorScheme} scrolls sideways by ${overflow} px`);
        const legends = await visitor.locator('fieldset legend').evaluateAll((ls) => ls
          .filter((l) => l.getBoundingClientRect().right > l.parentElement.getBoundingClientRect().right + 0.5)
          .map((l) => l.textContent));
        if (legends.length) problems.push(`${name} at ${width} px: legend wider than its box: ${legends}`);
        await screenshot(visitor, `surface-${name}-${colorScheme}-${width}`);
      };
      for (const [name, path] of [
        ['home', '/'], ['history', '/history'], ['incident', `/incidents/${inc.id}`], ['uptime', '/uptime'], ['subscribe', '/subscribe'],
      ]) {
        await visitor.goto(`${server.baseUrl}${path}`);
        await check(name, 'Status');
      }

      // Email subscription from the form to the mailed link, confirm, manage, unsubscribe.
      const email = `reader${n}@example.com`;
      await visitor.getByLabel('Email address').fill(email);
      await submit(visitor, visitor.getByRole('button', { name: 'Subscribe by email' }));
      await check('check-inbox', 'Status');
      await visitor.goto(await sink.linkTo(email, `${server.baseUrl}/subscribe/confirm/`));
      await check('confirm', 'Status');
      await submit(visitor, visitor.getByRole('button', { name: 'Confirm subscription' }));
      assert.match(await visitor.locator('body').innerText(), /Subscription confirmed/);
      await check('manage', 'Status');
      assert.equal(await visitor.getByRole('heading', { name: 'Your subscription to Status' }).count(), 1);
      const back = visitor.locator('header.pagehead a[href="/"]');
      assert.match(await back.innerText(), /Status/, 'a link back to the page, by its name');
      await submit(visitor, visitor.getByRole('button', { name: 'Unsubscribe' }));
      assert.match(await visitor.locator('body').innerText(), /You are unsubscribed/);
      await check('unsubscribed', 'Status');

      // The customer page's sign-in documents wear that page's branding.
      await visitor.goto(`${server.baseUrl}/p/acme`);
      assert.equal(new URL(visitor.url()).pathname, '/p/acme/signin');
      await check('customer-signin', 'Acme status');
      const ann = `ann${n}@acme.com`;
      await visitor.fill('input[name=email]', ann);
      await submit(visitor, visitor.getByRole('button', { name: /link/i }));
      await check('customer-link-sent', 'Acme status');
      await visitor.goto(await sink.linkTo(ann, `${server.baseUrl}/p/acme/signin/`));
      await check('customer-continue', 'Acme status');
      assert.deepEqual(blocked, [], 'nothing blocked by the CSP');
      assert.deepEqual(visitor.errors, []);
    }
  }
  // axe on the subscription and sign-in documents (a fresh subscription; the CSP is bypassed only to add axe).
  for (const colorScheme of ['light', 'dark']) {
    const page = await newPage(await newContext(browser, { colorScheme, bypassCSP: true }));
    const email = `axe-${colorScheme}@example.com`;
    await page.goto(`${server.baseUrl}/subscribe`);
    await page.getByLabel('Email address').fill(email);
    await submit(page, page.getByRole('button', { name: 'Subscribe by email' }));
    for (const v of await violations(page)) problems.push(`check-inbox ${colorScheme}: ${v}`);
    await page.goto(await sink.linkTo(email, `${server.baseUrl}/subscribe/confirm/`));
    for (const v of await violations(page)) problems.push(`confirm ${colorScheme}: ${v}`);
    await submit(page, page.getByRole('button', { name: 'Confirm subscription' }));
    for (const v of await violations(page)) problems.push(`manage ${colorScheme}: ${v}`);
    await submit(page, page.getByRole('button', { name: 'Unsubscribe' }));
    for (const v of await violations(page)) problems.push(`unsubscribed ${colorScheme}: ${v}`);
    await page.goto(`${server.baseUrl}/p/acme/signin`);
    for (const v of await violations(page)) problems.push(`customer sign-in ${colorScheme}: ${v}`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
}, { timeoutMs: 240_000 });
