// The owner points an HTTP monitor at a local service that drives a component and
// publishes incidents; the service fails and recovers, and the admin screens and the
// public page (status, incident, 90-day bars) follow. Then the monitor is paused.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  completeSetup, eventually, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

const COMPONENT = 'Storage API';
const MONITOR = 'Storage health';
const INCIDENT = `${COMPONENT} is not responding`;
// Checks run within a second; results are written once a second.
const SETTLE = { timeoutMs: 15_000, intervalMs: 300 };

/** A service on 127.0.0.1 that answers `status.code` to every request. */
async function startService() {
  const status = { code: 200, hits: 0 };
  const server = createServer((req, res) => {
    status.hits += 1;
    res.writeHead(status.code, { 'content-type': 'text/plain' });
    res.end(status.code === 200 ? 'ok\n' : 'broken\n');
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const close = () => new Promise((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });
  return { status, url: `http://127.0.0.1:${server.address().port}/`, close };
}

/** Reload `url` in `page` until `check(page)` holds. */
function reloadUntil(page, url, what, check) {
  return eventually(async () => {
    await page.goto(url);
    return check(page);
  }, { ...SETTLE, what });
}

const lead = (page) => page.locator('p.lead').innerText();
const badge = (scope) => scope.locator('span.status[data-state]').first().getAttribute('data-state');

test('HTTP monitor goes down and up, drives the page, shows bars and chart, pauses', async ({ browser }) => {
  const service = await startService();
  try {
    const server = await startStatusd();
    const ctx = await newContext(browser);
    const page = await newPage(ctx);
    await completeSetup(page, server.setupUrl);

    await page.goto(`${server.baseUrl}/admin/components`);
    const comp = page.locator('form#new-component');
    await comp.locator('[name=name]').fill(COMPONENT);
    await submit(page, comp.getByRole('button', { name: 'Create component' }));
    await page.locator(`tr[data-component="${COMPONENT}"]`).waitFor();

    // Admin → Monitors, and the create form.
    await submit(page, page.locator('nav').getByRole('link', { name: 'Monitors', exact: true }));
    assert.equal(new URL(page.url()).pathname, '/admin/monitors');
    const form = page.locator('form#new-monitor');
    await form.locator('[name=name]').fill(MONITOR);
    await form.locator('[name=kind]').selectOption('http');
    // First with the scheme forgotten: the form says what is wrong and keeps every choice.
    await form.locator('[name=target]').fill(service.url.replace('http://', ''));
    // A long interval: the checks that matter here are the ones the owner asks for.
    await form.locator('[name=interval_seconds]').fill('3600');
    await form.locator('[name=timeout_ms]').fill('3000');
    await form.locator('[name=failure_threshold]').fill('2');
    await form.locator('[name=recovery_threshold]').fill('2');
    await form.locator('[name=component_id]').selectOption({ label: COMPONENT });
    await form.locator('[name=on_down]').selectOption('publish');
    await form.locator('[name=down_status]').selectOption('major_outage');
    await form.locator('[name=severity]').selectOption('critical');
    await submit(page, form.getByRole('button', { name: 'Create monitor' }));
    assert.match(await page.locator('p.flash.error').innerText(), /must start with http:\/\/ or https:\/\//);
    assert.equal(await page.locator(`tr[data-monitor="${MONITOR}"]`).count(), 0, 'nothing is created');
    assert.equal(await form.locator('[name=name]').inputValue(), MONITOR);
    assert.equal(await form.locator('[name=failure_threshold]').inputValue(), '2');
    assert.equal(await form.locator('[name=component_id] option:checked').innerText(), COMPONENT);
    assert.equal(await form.locator('[name=on_down]').inputValue(), 'publish');
    assert.equal(await form.locator('[name=down_status]').inputValue(), 'major_outage');
    assert.equal(await form.locator('[name=severity]').inputValue(), 'critical');
    await screenshot(page, 'monitors-form-error');
    await form.locator('[name=target]').fill(service.url);
    await submit(page, form.getByRole('button', { name: 'Create monitor' }));
    const detailUrl = page.url();
    assert.match(new URL(detailUrl).pathname, /^\/admin\/monitors\/[^/]+$/, 'create should open the monitor');
    assert.equal(await page.locator('h1').first().innerText(), MONITOR);

    // The saved settings read back as entered.
    const settings = page.locator(`form[action="${new URL(detailUrl).pathname}"]`);
    assert.equal(await settings.locator('[name=failure_threshold]').inputValue(), '2');
    assert.equal(await settings.locator('[name=on_down]').inputValue(), 'publish');
    assert.equal(
      await settings.locator('[name=component_id] option:checked').innerText(), COMPONENT,
      'the monitor should drive the component',
    );

    // Check now: up, with a latency in the list.
    await submit(page, page.getByRole('button', { name: 'Check now' }));
    await reloadUntil(page, detailUrl, 'monitor up after Check now', async (p) => (await badge(p)) === 'Up');
    assert.ok(service.status.hits >= 1, 'the monitor should have requested the service');
    await page.goto(`${server.baseUrl}/admin/monitors`);
    const row = page.locator(`tr[data-monitor="${MONITOR}"]`);
    assert.equal(await badge(row), 'Up');
    assert.match(await row.locator('td').nth(5).innerText(), /^\d+ ms$/, 'the list shows the latency');
    assert.match(await row.locator('td').nth(4).innerText(), /Up/);
    await screenshot(page, 'monitors-list-up');

    // The service fails. One failure is below the threshold of 2; the second one counts.
    service.status.code = 500;
    await page.goto(detailUrl);
    await submit(page, page.getByRole('button', { name: 'Check now' }));
    await reloadUntil(page, detailUrl, 'first failure recorded', async (p) => /last error: HTTP 500/.test(await lead(p)));
    await submit(page, page.getByRole('button', { name: 'Check now' }));
    await reloadUntil(page, detailUrl, 'monitor down', async (p) => (await badge(p)) === 'Down');
    assert.match(await lead(page), /last error: HTTP 500 \(expected [^)]+\)/, 'the detail says why it is down');
    assert.match(
      await page.locator('table.list tbody').first().innerText(), /HTTP 500/,
      'recent failures list the error',
    );
    await screenshot(page, 'monitors-detail-down');
    await page.goto(`${server.baseUrl}/admin/monitors`);
    assert.equal(await badge(page.locator(`tr[data-monitor="${MONITOR}"]`)), 'Down');

    // A visitor sees the outage and the incident the monitor published.
    const visitor = await newPage(await newContext(browser));
    const publicRow = visitor.locator(`li.component[data-component="${COMPONENT}"]`);
    await reloadUntil(visitor, `${server.baseUrl}/`, 'public page shows the outage', async (p) =>
      /Major outage/.test(await publicRow.locator('span.status').innerText())
      && (await p.locator('section.incidents article', { hasText: INCIDENT }).count()) === 1);
    assert.match(await visitor.locator('div.banner').innerText(), /Major Service Outage/);
    const card = visitor.locator('section.incidents article', { hasText: INCIDENT });
    assert.match(await card.locator('span.istatus').innerText(), /Investigating/);
    assert.match(await card.innerText(), /Our monitoring detected a problem with Storage API/);
    const incidentPath = await card.locator('h3 a').getAttribute('href');
    await screenshot(visitor, 'monitors-public-down');

    // The service recovers; two successes bring the monitor back up.
    service.status.code = 200;
    await page.goto(detailUrl);
    await submit(page, page.getByRole('button', { name: 'Check now' }));
    await reloadUntil(page, detailUrl, 'first success recorded', async (p) => !/last error/.test(await lead(p)));
    await submit(page, page.getByRole('button', { name: 'Check now' }));
    await reloadUntil(page, detailUrl, 'monitor up again', async (p) => (await badge(p)) === 'Up');

    await reloadUntil(visitor, `${server.baseUrl}/`, 'public page back to operational', async (p) =>
      /All Systems Operational/.test(await p.locator('div.banner').innerText())
      && /^\s*Operational\s*$/.test(await publicRow.locator('span.status').innerText())
      && (await p.locator('section.incidents article', { hasText: INCIDENT }).count()) === 0);

    // 90 daily bars from the published status; today's names the outage and the incident.
    const bars = publicRow.locator('div.uptime div.bars i');
    assert.equal(await bars.count(), 90, 'the public page shows 90 daily bars');
    assert.match(
      await publicRow.locator('div.bars').getAttribute('aria-label'), /^90-day uptime \d+\.\d\d %$/,
    );
    const today = bars.last();
    assert.match(await today.getAttribute('class'), /^(d|p|m)$/, "today's published outage colours its bar");
    assert.match(await today.getAttribute('aria-label'), new RegExp(`\\d+\\.\\d\\d % uptime · .*outage .* · ${INCIDENT}`));
    // Keyboard: the day is focusable and its text shows as a tooltip.
    await today.focus();
    const tip = await today.evaluate((el) => getComputedStyle(el, '::after').content);
    assert.match(tip, new RegExp(INCIDENT), 'the focused day shows its tooltip');
    assert.equal(await bars.first().getAttribute('class'), 'n', 'days before the component have no data');
    // The script names quiet days: the first day says it has no data.
    assert.match(await bars.first().getAttribute('aria-label'), /no data$/);
    await screenshot(visitor, 'monitors-public-recovered');

    await visitor.goto(`${server.baseUrl}${incidentPath}`);
    assert.match(await visitor.locator('main').innerText(), /Resolved/);
    assert.match(await visitor.locator('main').innerText(), /Monitoring shows Storage health has recovered\./);

    // The detail page charts the response times, failed checks marked.
    await page.goto(detailUrl);
    const chart = page.locator('figure.chart svg[role=img]');
    await chart.waitFor();
    assert.equal(await chart.getAttribute('aria-label'), 'Response time, last 24 hours');
    assert.match(await chart.locator('path.line').getAttribute('d'), /^M[\d.]+,[\d.]+ (L[\d.]+,[\d.]+ ){4,}$/,
      'the line joins every check (five or more)');
    assert.ok(await chart.locator('line.down').count() >= 2, 'failed checks are marked');
    assert.match(await page.locator('figure.chart figcaption').innerText(), /max \d+ ms/);
    await screenshot(page, 'monitors-detail-chart');

    // Pause, then resume.
    await submit(page, page.getByRole('button', { name: 'Pause' }));
    assert.equal(await badge(page), 'Paused');
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.goto(`${server.baseUrl}/admin/monitors`);
    assert.equal(await badge(page.locator(`tr[data-monitor="${MONITOR}"]`)), 'Paused');
    await screenshot(page, 'monitors-list-paused');
    await page.goto(detailUrl);
    await submit(page, page.getByRole('button', { name: 'Resume' }));
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.goto(`${server.baseUrl}/admin/monitors`);
    assert.equal(await badge(page.locator(`tr[data-monitor="${MONITOR}"]`)), 'Up', 'resumed, it shows its state again');

    assert.deepEqual(page.errors, [], 'admin pages should raise no script errors');
    assert.deepEqual(visitor.errors, [], 'public pages should raise no script errors');
  } finally {
    await service.close();
  }
}, { timeoutMs: 120_000 });
