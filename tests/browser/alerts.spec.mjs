// A draft from an alert: an owner sets up an Alertmanager secret URL, an alert posted to it
// appears in the Drafts inbox with its count in the navigation, is edited and published
// in one click, shows on the public page, and is resolved when the source says so (the
// resolve is proposed in the inbox and published in one click).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ROOT, completeSetup, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

const AXE = await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Serious and critical axe violations of the page as it is now. */
async function violations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text);
}

function alertmanager(status) {
  const labels = { alertname: 'ApiErrorRate', statusd_component: 'API', severity: 'major', instance: '10.9.8.7:9100', pod: 'api-7d9f-xk2' };
  return {
    version: '4', status, receiver: 'statusd', groupKey: '{}:{alertname="ApiErrorRate"}',
    groupLabels: { alertname: 'ApiErrorRate' }, commonLabels: labels, commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [{
      status, labels, annotations: { summary: 'HTTP 503 from api-7.prod.internal' },
      startsAt: '2026-11-30T01:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: 'api-errors-1',
    }],
  };
}

/** Light, dark and phone-width shots of what the page shows now. */
async function shots(page, name) {
  await page.emulateMedia({ colorScheme: 'light' });
  await screenshot(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-dark`);
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, `${name}-375`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name}: nothing wider than a phone (${overflow}px too wide)`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('alert → draft in the inbox with its count → edited, published → public → resolved', async ({ browser }) => {
  const server = await startStatusd();
  const page = await newPage(await newContext(browser));
  await completeSetup(page, server.setupUrl);

  await page.goto(`${server.baseUrl}/admin/components`);
  const form = page.locator('form#new-component');
  await form.locator('[name=name]').fill('API');
  await submit(page, form.getByRole('button', { name: 'Create component' }));
  await page.locator('tr[data-component="API"]').waitFor();

  // The Alertmanager setup page: the receivers block and a secret URL, shown once.
  await page.goto(`${server.baseUrl}/admin/alerts`);
  await submit(page, page.getByRole('link', { name: 'Prometheus Alertmanager' }));
  assert.match(await page.locator('#snippet').innerText(), /receivers:[\s\S]*webhook_configs:[\s\S]*\/api\/v1\/alerts\/alertmanager/);
  const src = page.locator('form#new-secret');
  await src.locator('[name=name]').fill('prod alertmanager');
  await submit(page, src.getByRole('button', { name: 'Create secret URL' }));
  const url = (await page.locator('#new-url').innerText()).trim();
  assert.match(url, /\/api\/v1\/alerts\/alertmanager\/sa_/);
  await shots(page, 'alerts-source');

  const r = await post(url, alertmanager('firing'));
  assert.equal(r.received[0].outcome, 'drafted');

  await page.goto(`${server.baseUrl}/admin`);
  assert.equal((await page.locator('#nav-drafts').innerText()).replace(/\s+/g, ' ').trim(), 'Drafts 1', 'the navigation counts the draft');
  await submit(page, page.locator('#nav-drafts'));
  assert.equal((await page.locator('#draft-count').innerText()).trim(), '1');
  await shots(page, 'drafts-inbox');

  await submit(page, page.locator('li.draft a.title').first());
  assert.match(await page.locator('#source-text').innerText(), /10\.9\.8\.7:9100/, 'the team sees the raw alert');
  const edit = page.locator('form#publish-draft');
  const title = edit.locator('[name=title]');
  assert.doesNotMatch(await title.inputValue(), /10\.9|api-7|xk2|ApiErrorRate/, 'the proposed title leaks nothing');
  assert.doesNotMatch(await edit.locator('[name=message]').inputValue(), /10\.9|api-7|xk2/);
  await shots(page, 'draft-page');
  await title.fill('Some API requests fail');
  await edit.locator('select[name^=status_]').first().selectOption('partial_outage');
  await submit(page, edit.getByRole('button', { name: 'Publish' }));
  assert.match(await page.locator('p.flash.notice').innerText(), /Published “Some API requests fail”/);
  assert.equal(await page.locator('#nav-drafts .nav-count').count(), 0, 'no count once the inbox is empty');

  const visitor = await newPage(await newContext(browser));
  await visitor.goto(`${server.baseUrl}/`);
  assert.ok(await visitor.getByText('Some API requests fail').count() > 0, 'the published incident is public');
  assert.match(await visitor.locator('li.component[data-component="API"] span.status').innerText(), /Partial outage/);
  assert.equal(await visitor.getByText('10.9.8.7').count(), 0);

  // The source resolves: the inbox proposes the resolve update, published in one click.
  const done = await post(url, alertmanager('resolved'));
  assert.equal(done.received[0].outcome, 'resolve_proposed');
  await page.goto(`${server.baseUrl}/admin/drafts`);
  assert.equal((await page.locator('#nav-drafts .nav-count').innerText()).trim(), '1');
  const resolve = page.locator('article.draft[data-resolve]');
  await submit(page, resolve.getByRole('button', { name: 'Publish resolve update' }));
  await visitor.goto(`${server.baseUrl}/`);
  assert.match(await visitor.locator('li.component[data-component="API"] span.status').innerText(), /Operational/);

  // History says what happened, in words.
  await page.goto(`${server.baseUrl}/admin/alerts/events`);
  const history = await page.locator('table.history').innerText();
  assert.match(history, /draft opened/);
  assert.match(history, /resolve proposed in Drafts/);
  await shots(page, 'alerts-history');
  assert.deepEqual(page.errors, []);

  // An unmatched alert, then every alerts screen through axe in light and dark.
  const unmatched = alertmanager('firing');
  unmatched.alerts[0].labels = { alertname: 'DiskFull', service: 'billing-db' };
  unmatched.commonLabels = unmatched.alerts[0].labels;
  unmatched.groupLabels = { alertname: 'DiskFull' };
  unmatched.alerts[0].fingerprint = 'disk-1';
  unmatched.groupKey = '{}:{alertname="DiskFull"}';
  assert.equal((await post(url, unmatched)).received[0].outcome, 'unmatched');
  await page.goto(`${server.baseUrl}/admin/alert-rules`);
  await submit(page, page.getByRole('link', { name: 'Make a rule from this' }));
  assert.match(await page.locator('#rule-form [name=matchers]').inputValue(), /alertname="DiskFull"/);
  await shots(page, 'alert-rules');
  const problems = [];
  for (const colorScheme of ['light', 'dark']) {
    const axePage = await newPage(await newContext(browser, { colorScheme, bypassCSP: true }));
    await axePage.goto(`${server.baseUrl}/admin/login`);
    await axePage.fill('input[name=email]', 'owner@example.com');
    await axePage.fill('input[name=password]', 'correct horse battery staple');
    await submit(axePage, axePage.getByRole('button', { name: /sign in/i }));
    for (const path of ['/admin/drafts', '/admin/alerts', '/admin/alerts/sources/grafana', '/admin/alert-rules', '/admin/alerts/events']) {
      await axePage.goto(`${server.baseUrl}${path}`);
      for (const v of await violations(axePage)) problems.push(`${path} ${colorScheme}: ${v}`);
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'));
}, { timeoutMs: 120_000 });
