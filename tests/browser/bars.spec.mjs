// The 90-day bars' day popovers without a mouse: a tap on a phone and Tab from the
// keyboard open the day's popover with its date, uptime and that day's incidents;
// screenshots at 375 px with the popover open, light and dark. And the home page's
// "Past incidents": 15 days, each listed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  SCREENSHOTS, completeSetup, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

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

const popover = (loc) => loc.evaluate((el) => {
  const after = getComputedStyle(el, '::after');
  return { text: after.content, display: after.display, visible: after.content !== 'none' && after.content !== 'normal' };
});

test('a tap or Tab opens a day popover with its date, uptime and incidents', async ({ browser }) => {
  const server = await startStatusd();
  const admin = await newPage(await newContext(browser));
  await completeSetup(admin, server.setupUrl);
  await admin.goto(`${server.baseUrl}/admin/keys`);
  const form = admin.locator('form#new-key');
  await form.locator('[name=name]').fill('bars');
  await submit(admin, form.getByRole('button', { name: 'Create key' }));
  const token = (await admin.locator('code.token').innerText()).trim();
  const web = await api(server, token, 'POST', '/api/v1/components', { name: 'Web' });
  await api(server, token, 'POST', '/api/v1/components', { name: 'Docs' });
  const started = new Date(Date.now() - 20 * 60_000);
  const inc = await api(server, token, 'POST', '/api/v1/incidents', {
    title: 'Checkout errors', status: 'identified', impact: 'major', started_at: started.toISOString(),
    components: [{ id: web.id, status: 'partial_outage' }], message: 'Payments fail for some.',
  });
  await api(server, token, 'PATCH', `/api/v1/incidents/${inc.id}`, { status: 'resolved' });
  const today = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const want = new RegExp(`^"${today} · \\d+\\.\\d\\d % uptime · Partial outage (< 1 min|\\d+ min) · Checkout errors"$`);

  // Past incidents: the last 15 days, each listed, quiet days saying so, then the full history.
  const home = await newPage(await newContext(browser));
  await home.goto(`${server.baseUrl}/`);
  const days = home.locator('section.past div.pastday');
  assert.equal(await days.count(), 15, 'fifteen days');
  const longToday = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  assert.equal(await days.first().locator('h3').innerText(), longToday);
  assert.match(await days.first().innerText(), /Checkout errors/);
  for (let i = 1; i < 15; i++) assert.match(await days.nth(i).innerText(), /No incidents reported\./, `day ${i}`);
  assert.equal(await home.locator('section.past a[href="/history"]').count(), 1, 'a link to the full history');

  for (const colorScheme of ['light', 'dark']) {
    // Touch at 375 px: tapping today's bar opens its popover.
    const phone = await newPage(await newContext(browser, {
      viewport: { width: 375, height: 700 }, hasTouch: true, isMobile: true, colorScheme,
    }));
    await phone.goto(`${server.baseUrl}/`);
    const day = phone.locator('li.component[data-component="Web"] div.bars i').last();
    assert.deepEqual((await popover(day)).visible, false, 'closed before the tap');
    await day.tap();
    const open = await popover(day);
    assert.match(open.text, want, `the tapped day lists its date, uptime and incident: ${open.text}`);
    // The popover stays on screen: its box (right-aligned for recent days) fits the viewport.
    const box = await day.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const w = parseFloat(getComputedStyle(el, '::after').width);
      return { left: r.right - w, right: r.right };
    });
    assert.ok(box.left >= 0 && box.right <= 375, `popover inside the screen: ${JSON.stringify(box)}`);
    await day.scrollIntoViewIfNeeded();
    await phone.evaluate(() => window.scrollBy(0, -120));
    // The viewport, not the full page: the open popover must be what the picture shows.
    await phone.screenshot({ path: join(SCREENSHOTS, `bars-popover-tap-${colorScheme}-375.png`) });
    // Another tap elsewhere closes it.
    await phone.locator('h1').tap();
    assert.equal((await popover(day)).visible, false, 'a tap elsewhere closes it');
    assert.deepEqual(phone.errors, []);

    // Keyboard: Tab from the top of the page reaches a day of Web's bars and opens it.
    const desk = await newPage(await newContext(browser, { colorScheme }));
    await desk.goto(`${server.baseUrl}/`);
    let reached = null;
    for (let i = 0; i < 40 && !reached; i++) {
      await desk.keyboard.press('Tab');
      reached = await desk.evaluate(() => {
        const el = document.activeElement;
        const row = el && el.closest('li.component');
        return el && el.matches('div.bars i') && row ? row.dataset.component : null;
      });
    }
    assert.equal(reached, 'Web', 'Tab reaches the bars of the first component');
    const focused = desk.locator('div.bars i:focus');
    assert.match((await popover(focused)).text, want, 'the focused day shows its popover');
    await desk.keyboard.press('ArrowLeft');
    assert.match((await popover(desk.locator('div.bars i:focus'))).text, /^"\d{1,2} \w{3} \d{4} · no data"$/, 'ArrowLeft: the day before');
    await desk.keyboard.press('ArrowRight');
    await screenshot(desk, `bars-popover-tab-${colorScheme}-1280`);
    assert.deepEqual(desk.errors, []);
  }
});
