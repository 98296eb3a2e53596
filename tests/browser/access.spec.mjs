// Who may see a page, as people do it in Chromium: an internal page sends an anonymous
// visitor to the team sign-in and opens after it; a customer signs in to their page with
// the link mailed to a real SMTP server (Debian's aiosmtpd, tests/support/smtp_sink.py);
// an invited person accepts the mailed invitation. Screenshots of the invitation, reset
// and account pages in light, dark and at 375 px.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ROOT, completeSetup, newContext, newPage, screenshot, startSink, startStatusd, submit, test,
} from './lib.mjs';

/** Calls the API with the signed-in owner's session (and its CSRF token). */
async function api(page, path, body) {
  return page.evaluate(async ({ path, body }) => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const resp = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    });
    return { status: resp.status, body: await resp.text() };
  }, { path, body });
}

// bypassCSP lets the test add axe-core to the page; the pages themselves run no inline script.
const VIEWS = [
  ['light', { bypassCSP: true }],
  ['dark', { colorScheme: 'dark', bypassCSP: true }],
  ['375', { viewport: { width: 375, height: 740 }, bypassCSP: true }],
];

const AXE = await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Serious and critical axe violations of the page as it is now, as readable lines. */
async function violations(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('internal and customer pages open only after the right sign-in; invitations work end to end', async ({ browser }) => {
  const sink = await startSink();
  const server = await startStatusd({
    env: {
      STATUSD_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      STATUSD_SMTP_FROM: 'status@example.com',
    },
  });
  const owner = await newPage(await newContext(browser));
  const { email, password } = await completeSetup(owner, server.setupUrl);
  for (const body of [
    { slug: 'team', title: 'Team status', audience: 'internal' },
    { slug: 'acme', title: 'Acme status', audience: 'customer', allowed_domains: ['acme.com'] },
  ]) {
    const r = await api(owner, '/api/v1/pages', body);
    assert.equal(r.status, 201, r.body);
  }

  // Internal page: an anonymous visitor is sent to the team sign-in; signed in, it shows.
  const visitor = await newPage(await newContext(browser));
  await visitor.goto(`${server.baseUrl}/p/team`);
  assert.match(new URL(visitor.url()).pathname, /^\/admin\/login/);
  assert.equal(await visitor.getByText('Team status').count(), 0);
  await visitor.fill('input[name=email]', email);
  await visitor.fill('input[name=password]', password);
  await submit(visitor, visitor.getByRole('button', { name: 'Sign in' }));
  assert.equal(new URL(visitor.url()).pathname, '/p/team', 'sign-in returns to the page asked for');
  assert.ok(await visitor.getByRole('heading', { name: 'Team status' }).count() > 0);

  // Customer page: the sign-in form, the mailed link, Continue, the page.
  const ann = await newPage(await newContext(browser));
  await ann.goto(`${server.baseUrl}/p/acme`);
  assert.equal(new URL(ann.url()).pathname, '/p/acme/signin');
  await ann.fill('input[name=email]', 'ann@acme.com');
  await submit(ann, ann.getByRole('button', { name: /link/i }));
  assert.match(await ann.textContent('body'), /on its way/);
  const signin = await sink.linkTo('ann@acme.com', `${server.baseUrl}/p/acme/signin/`);
  await ann.goto(signin);
  await submit(ann, ann.getByRole('button', { name: 'Continue' }));
  assert.equal(new URL(ann.url()).pathname, '/p/acme');
  assert.ok(await ann.getByRole('heading', { name: 'Acme status' }).count() > 0);

  // Invitation: the owner invites, the mail's link sets a password and signs in.
  await owner.goto(`${server.baseUrl}/admin/users`);
  await owner.fill('#invite input[name=email]', 'carol@example.com');
  await owner.selectOption('#invite select[name=role]', 'editor');
  await submit(owner, owner.getByRole('button', { name: 'Send invitation' }));
  assert.match(await owner.textContent('body'), /Invitation sent to carol@example.com/);
  assert.equal(await owner.locator('#invites tr[data-invite="carol@example.com"]').count(), 1);
  await screenshot(owner, 'team-users-light');
  const invite = await sink.linkTo('carol@example.com', `${server.baseUrl}/admin/invite/`);
  const problems = [];
  for (const [name, options] of VIEWS) {
    const p = await newPage(await newContext(browser, options));
    await p.goto(invite);
    await screenshot(p, `team-invite-${name}`);
    problems.push(...await violations(p, `invite ${name}`));
    await p.goto(`${server.baseUrl}/admin/reset`);
    await screenshot(p, `team-reset-${name}`);
    problems.push(...await violations(p, `reset ${name}`));
  }
  const carol = await newPage(await newContext(browser));
  await carol.goto(invite);
  await carol.fill('input[name=password]', 'password123');
  await carol.fill('input[name=password_confirm]', 'password123');
  await submit(carol, carol.getByRole('button', { name: 'Create account' }));
  assert.equal(await carol.locator('#err-password').count(), 1, 'a common password is refused beside the field');
  await screenshot(carol, 'team-invite-error-light');
  await carol.fill('input[name=password]', 'carol drinks tea daily');
  await carol.fill('input[name=password_confirm]', 'carol drinks tea daily');
  await submit(carol, carol.getByRole('button', { name: 'Create account' }));
  assert.equal(new URL(carol.url()).pathname, '/admin');
  assert.match(await carol.textContent('.who'), /carol@example.com \(editor\)/);

  // The account page, seen by the owner who now has two sessions.
  for (const [name, options] of VIEWS) {
    const p = await newPage(await newContext(browser, options));
    await p.goto(`${server.baseUrl}/admin/login`);
    await p.fill('input[name=email]', email);
    await p.fill('input[name=password]', password);
    await submit(p, p.getByRole('button', { name: 'Sign in' }));
    await p.goto(`${server.baseUrl}/admin/account`);
    assert.ok(await p.locator('#sessions tbody tr').count() >= 2);
    await screenshot(p, `team-account-${name}`);
    problems.push(...await violations(p, `account ${name}`));
    await p.goto(`${server.baseUrl}/admin/users`);
    problems.push(...await violations(p, `users ${name}`));
  }
  assert.deepEqual(problems, [], `axe (serious or critical):\n${problems.join('\n')}`);
  assert.deepEqual(owner.errors, []);
});
