// A monitor whose policy is "open a draft" finds its service down. The draft is the
// filter for false alarms: the public page keeps the component operational AND its bars
// and uptime at 100 %, because public figures come from what was published. Then an
// editor publishes a partial outage by hand, and the bar, its tooltip (mouse, keyboard,
// touch) and the SLA report show it. Screenshots in light, dark and at 375 px.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  completeSetup, eventually, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

async function startFailingService() {
  const server = createServer((req, res) => { res.writeHead(503); res.end('down\n'); });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const close = () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); });
  return { url: `http://127.0.0.1:${server.address().port}/`, close };
}

const row = (page, name) => page.locator(`li.component[data-component="${name}"]`);
const afterText = (loc) => loc.evaluate((el) => getComputedStyle(el, '::after').content);

test('a monitor draft leaves public bars at 100 %; a published outage shows in the bars and their tooltips', async ({ browser }) => {
  const service = await startFailingService();
  try {
    const server = await startStatusd();
    const page = await newPage(await newContext(browser));
    await completeSetup(page, server.setupUrl);
    for (const name of ['Web', 'Docs']) {
      await page.goto(`${server.baseUrl}/admin/components`);
      const form = page.locator('form#new-component');
      await form.locator('[name=name]').fill(name);
      await submit(page, form.getByRole('button', { name: 'Create component' }));
    }

    await page.goto(`${server.baseUrl}/admin/monitors`);
    const form = page.locator('form#new-monitor');
    await form.locator('[name=name]').fill('Web check');
    await form.locator('[name=kind]').selectOption('http');
    await form.locator('[name=target]').fill(service.url);
    await form.locator('[name=interval_seconds]').fill('1');
    await form.locator('[name=failure_threshold]').fill('1');
    await form.locator('[name=component_id]').selectOption({ label: 'Web' });
    await form.locator('[name=on_down]').selectOption('draft');
    await form.locator('[name=down_status]').selectOption('major_outage');
    await submit(page, form.getByRole('button', { name: 'Create monitor' }));
    await eventually(async () => {
      await page.goto(`${server.baseUrl}/admin/incidents`);
      return /Drafts to review \(1\)/.test(await page.locator('main').innerText());
    }, { timeoutMs: 15_000, what: 'a draft from the monitor' });

    // The public page: operational, and bars and uptime that agree with it.
    const visitor = await newPage(await newContext(browser));
    await visitor.goto(`${server.baseUrl}/`);
    const web = row(visitor, 'Web');
    assert.match(await web.locator('span.status').innerText(), /Operational/);
    assert.equal(await web.locator('div.bars').getAttribute('aria-label'), '90-day uptime 100.00 %');
    assert.equal(await web.locator('div.bars i.m, div.bars i.p').count(), 0, 'no outage in the bars');
    assert.equal(await row(visitor, 'Docs').locator('div.bars i').count(), 90, 'every component has bars');
    assert.match(await visitor.locator('section.past').innerText(), /No incidents reported\./);
    await visitor.goto(`${server.baseUrl}/uptime`);
    assert.equal(
      (await visitor.locator('tr[data-component="Web"] td').allInnerTexts()).join(' | '),
      '100.00 % | 100.00 % | 100.00 % | 100.00 %',
    );

    // An editor publishes a partial outage of Docs by hand, then ends it.
    for (const status of ['partial_outage', 'operational']) {
      await page.goto(`${server.baseUrl}/admin/components`);
      const quick = page.locator('tr[data-component="Docs"] form[action$="/status"]');
      await quick.locator('[name=status]').selectOption(status);
      await submit(page, quick.getByRole('button', { name: 'Save status' }));
    }
    await visitor.goto(`${server.baseUrl}/`);
    const today = row(visitor, 'Docs').locator('div.bars i').last();
    assert.equal(await today.getAttribute('class'), 'p', 'the published partial outage colours today');
    assert.match(await today.getAttribute('aria-label'), /% uptime · Partial outage < 1 min$/);
    await today.hover();
    assert.match(await afterText(today), /Partial outage/, 'the tooltip shows on hover');
    await screenshot(visitor, 'timeline-public-light');

    // Keyboard: Tab reaches the day; the arrow keys move to the neighbouring (quiet) day.
    await today.focus();
    await visitor.keyboard.press('ArrowLeft');
    const yesterday = row(visitor, 'Docs').locator('div.bars i').nth(88);
    assert.ok(await yesterday.evaluate((el) => el === document.activeElement), 'ArrowLeft moves to the day before');
    assert.match(await afterText(yesterday), /^"\d{1,2} \w{3} \d{4} · no data"$/, 'quiet days are named by the script');
    assert.deepEqual(visitor.errors, []);

    // Touch at 375 px: a tap shows the day's text; and the dark theme.
    const phone = await newPage(await newContext(browser, {
      viewport: { width: 375, height: 800 }, hasTouch: true, isMobile: true,
    }));
    await phone.goto(`${server.baseUrl}/`);
    const tapped = row(phone, 'Docs').locator('div.bars i').last();
    await tapped.tap();
    assert.match(await afterText(tapped), /Partial outage/, 'a tap shows the tooltip');
    await screenshot(phone, 'timeline-public-375');
    const dark = await newPage(await newContext(browser, { colorScheme: 'dark' }));
    await dark.goto(`${server.baseUrl}/`);
    await row(dark, 'Docs').locator('div.bars i').last().focus();
    await screenshot(dark, 'timeline-public-dark');
  } finally {
    await service.close();
  }
});
