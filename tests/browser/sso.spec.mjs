// Single sign-on as a person does it: the sign-in page offers "Sign in with SSO",
// the test's OpenID Connect provider (tests/support/oidc_provider.py) approves, and the
// browser lands in the admin signed in as the provider's user.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import {
  ROOT, completeSetup, live, newContext, newPage, screenshot, startStatusd, submit, test,
} from './lib.mjs';

/** Start the test provider on 127.0.0.1; resolves with its base URL and a stop(). */
function startProvider() {
  const child = spawn('/usr/bin/python3', [
    join(ROOT, 'tests', 'support', 'oidc_provider.py'),
    '--client-id', 'statusd-browser', '--client-secret', 'browser-secret',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', ok);
    child.kill();
  });
  live.servers.add({ stop });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('provider did not start')), 10_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const port = line.replace('listening ', '').trim();
      ok({ base: `http://127.0.0.1:${port}`, stop });
    });
  });
}

async function post(url, body) {
  const resp = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(resp.status, 200, url);
}

test('sign in with SSO lands in the admin as the provider user', async ({ browser }) => {
  const provider = await startProvider();
  const server = await startStatusd({
    env: {
      STATUSD_OIDC_ISSUER: provider.base,
      STATUSD_OIDC_CLIENT_ID: 'statusd-browser',
      STATUSD_OIDC_CLIENT_SECRET: 'browser-secret',
      STATUSD_OIDC_ROLE_DOMAINS: 'acme.test=editor',
    },
  });
  await post(`${provider.base}/_register`, { redirect_uri: `${server.baseUrl}/admin/oidc/callback` });
  await post(`${provider.base}/_control`, { email: 'alice@acme.test' });
  const owner = await newPage(await newContext(browser));
  await completeSetup(owner, server.setupUrl);

  for (const [name, options] of [
    ['sso-login-light', {}],
    ['sso-login-dark', { colorScheme: 'dark' }],
    ['sso-login-375', { viewport: { width: 375, height: 740 } }],
  ]) {
    const page = await newPage(await newContext(browser, options));
    await page.goto(`${server.baseUrl}/admin/login`);
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    await screenshot(page, name);
  }

  const page = await newPage(await newContext(browser));
  await page.goto(`${server.baseUrl}/admin`);
  assert.equal(new URL(page.url()).pathname, '/admin/login');
  await submit(page, page.getByRole('link', { name: 'Sign in with SSO' }));
  assert.equal(new URL(page.url()).pathname, '/admin', 'SSO should land on /admin');
  assert.match(await page.locator('body').innerText(), /alice@acme\.test/);
  await screenshot(page, 'sso-signed-in');

  // Someone no rule admits is told why, on the sign-in page.
  await post(`${provider.base}/_control`, { email: 'carol@elsewhere.test' });
  const carol = await newPage(await newContext(browser));
  await carol.goto(`${server.baseUrl}/admin/login`);
  await submit(carol, carol.getByRole('link', { name: 'Sign in with SSO' }));
  assert.match(await carol.locator('.flash.error').innerText(), /no single sign-on rule admits it/);
  await screenshot(carol, 'sso-refused');
  assert.deepEqual([...page.errors, ...carol.errors], [], 'no script errors');
});

test('a customer page signs in an allowlisted SSO user and shows its own Subscribe button', async ({ browser }) => {
  const provider = await startProvider();
  const server = await startStatusd({
    env: {
      STATUSD_OIDC_ISSUER: provider.base,
      STATUSD_OIDC_CLIENT_ID: 'statusd-browser',
      STATUSD_OIDC_CLIENT_SECRET: 'browser-secret',
    },
  });
  await post(`${provider.base}/_register`, { redirect_uri: `${server.baseUrl}/admin/oidc/callback` });
  const owner = await newPage(await newContext(browser));
  await completeSetup(owner, server.setupUrl);
  await owner.goto(`${server.baseUrl}/admin`);
  const made = await owner.evaluate(async () => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const resp = await fetch('/api/v1/pages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ slug: 'acme', title: 'Acme status', audience: 'customer', allowed_domains: ['acme.test'] }),
    });
    return resp.status;
  });
  assert.equal(made, 201);

  for (const [name, options] of [
    ['customer-sso-signin-light', {}],
    ['customer-sso-signin-dark', { colorScheme: 'dark' }],
    ['customer-sso-signin-375', { viewport: { width: 375, height: 740 } }],
  ]) {
    const page = await newPage(await newContext(browser, options));
    await page.goto(`${server.baseUrl}/p/acme`);
    assert.equal(new URL(page.url()).pathname, '/p/acme/signin');
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    await screenshot(page, name);
  }

  await post(`${provider.base}/_control`, { email: 'carol@acme.test' });
  const carol = await newPage(await newContext(browser));
  await carol.goto(`${server.baseUrl}/p/acme/signin`);
  await submit(carol, carol.getByRole('link', { name: 'Sign in with SSO' }));
  assert.equal(new URL(carol.url()).pathname, '/p/acme');
  await screenshot(carol, 'customer-sso-page');
  await submit(carol, carol.getByRole('link', { name: 'Subscribe to updates' }));
  assert.equal(new URL(carol.url()).pathname, '/p/acme/subscribe');
  await screenshot(carol, 'customer-subscribe');

  await post(`${provider.base}/_control`, { email: 'mallory@other.test' });
  const mallory = await newPage(await newContext(browser));
  await mallory.goto(`${server.baseUrl}/p/acme/signin`);
  await submit(mallory, mallory.getByRole('link', { name: 'Sign in with SSO' }));
  assert.match(await mallory.locator('h1').innerText(), /does not open this page/);
  await screenshot(mallory, 'customer-sso-refused');
  assert.deepEqual([...carol.errors, ...mallory.errors], [], 'no script errors');
});
