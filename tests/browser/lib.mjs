// Shared helpers for browser tests: start the real statusd binary on a free
// 127.0.0.1 port with a temp data file, and drive Debian's Chromium with
// playwright-core. Every wait is bounded so a broken build fails, never hangs.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.STATUSD_BIN || join(ROOT, 'target', 'debug', 'statusd');
export const SCREENSHOTS = join(ROOT, 'target', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** Registered tests, filled by spec files through `test()` and run by run.mjs. */
export const registry = [];

/** Servers and contexts a test opened; run.mjs closes what is left after each test. */
export const live = { servers: new Set(), contexts: new Set() };

/** Stop every server and close every context still open (after a test, even on timeout). */
export async function cleanupLive() {
  const contexts = [...live.contexts];
  const servers = [...live.servers];
  live.contexts.clear();
  live.servers.clear();
  await Promise.allSettled(contexts.map((c) => c.close()));
  await Promise.allSettled(servers.map((s) => s.stop()));
}

/** Register a browser test; `fn` receives `{ browser }`. */
export function test(name, fn, { timeoutMs = 90_000 } = {}) {
  registry.push({ name, fn, timeoutMs });
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Start `statusd serve` on a free port with a fresh data file and wait for the
 * setup line on stdout. Returns { baseUrl, setupUrl, dataFile, logs(), stop() }.
 */
export async function startStatusd({ args = [], env = {} } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'statusd-browser-'));
  const dataFile = join(dir, 'statusd.redb');
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const child = spawn(BIN, ['serve', '--listen', listen, '--data', dataFile, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const keep = (src) => (line) => {
    lines.push(`[${src}] ${line}`);
    if (lines.length > 400) lines.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep('stderr'));
  const stdout = createInterface({ input: child.stdout });
  stdout.on('line', keep('stdout'));
  const logs = () => lines.join('\n');

  let exited = null;
  const exitPromise = new Promise((ok) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    ok(exited);
  }));

  const stop = async () => {
    live.servers.delete(server);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exitPromise;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const server = { stop };
  live.servers.add(server);
  let setupUrl;
  try {
    setupUrl = await new Promise((ok, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`statusd printed no setup URL within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.on('error', (err) => { clearTimeout(timer); fail(new Error(`cannot start ${BIN}: ${err.message}`)); });
      exitPromise.then((e) => {
        clearTimeout(timer);
        fail(new Error(`statusd exited (code ${e.code}, signal ${e.signal}) before printing a setup URL`));
      });
      stdout.on('line', (line) => {
        const m = line.match(/https?:\/\/\S*\/admin\/setup\?token=\S+/);
        if (m) { clearTimeout(timer); ok(m[0]); }
      });
    });
  } catch (err) {
    await stop();
    err.message += `\n--- statusd output ---\n${logs()}`;
    throw err;
  }
  const baseUrl = `http://${listen}`;
  const u = new URL(setupUrl);
  if (u.hostname !== '127.0.0.1') {
    await stop();
    throw new Error(`setup URL points away from 127.0.0.1: ${setupUrl}`);
  }
  return Object.assign(server, { baseUrl, setupUrl, dataFile, dir, port, process: child, logs });
}

/** Launch Debian's Chromium headless, with nothing that phones home. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (no cookies) whose pages may only reach 127.0.0.1;
 * anything else is aborted, so a test never talks to the outside world.
 */
export async function newContext(browser, options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  live.contexts.add(ctx);
  ctx.on('close', () => live.contexts.delete(ctx));
  ctx.setDefaultTimeout(10_000);
  ctx.setDefaultNavigationTimeout(15_000);
  await ctx.route('**/*', (route) => {
    const { protocol, hostname } = new URL(route.request().url());
    if ((protocol === 'http:' || protocol === 'https:') && hostname !== '127.0.0.1') return route.abort();
    return route.continue();
  });
  return ctx;
}

/** A page that records uncaught script errors in `page.errors`. */
export async function newPage(ctx) {
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(err.message));
  return page;
}

/** Click something that submits a form and wait for the page it leads to. */
export async function submit(page, locator) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
  return response;
}

/** Complete the owner setup form; leaves the page on /admin. */
export async function completeSetup(page, setupUrl, { email = 'owner@example.com', password = 'correct horse battery staple' } = {}) {
  await page.goto(setupUrl);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.fill('input[name=password_confirm]', password);
  await submit(page, page.getByRole('button', { name: 'Create owner account' }));
  return { email, password };
}

/** Save a full-page screenshot to target/screenshots/NAME.png. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Retry `check` until it returns something truthy without throwing, for at most
 * `timeoutMs`: for state that settles in the background, like a monitor's verdict.
 */
export async function eventually(check, { timeoutMs = 10_000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last;
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what}: not met within ${timeoutMs} ms${last ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((ok) => setTimeout(ok, intervalMs));
  }
}

/** The python aiosmtpd sink on 127.0.0.1, writing each mail as JSON into a temp dir. */
export async function startSink() {
  const dir = await mkdtemp(join(tmpdir(), 'statusd-browser-smtp-'));
  const port = await freePort();
  const child = spawn('/usr/bin/python3', [
    join(ROOT, 'tests', 'support', 'smtp_sink.py'), '--port', String(port), '--dir', dir,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', ok);
    child.kill();
  });
  live.servers.add({ stop });
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('SMTP sink did not start')), 15_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      if (line.trim() === 'ready') ok(); else fail(new Error(`SMTP sink said ${line}`));
    });
  });
  /** The first link starting with `prefix` in the newest mail to `rcpt` (waits for it). */
  const linkTo = (rcpt, prefix) => eventually(async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort().reverse();
    for (const f of files) {
      const mail = JSON.parse(await readFile(join(dir, f), 'utf8'));
      if (!mail.rcpt_tos.includes(rcpt)) continue;
      const at = mail.text.indexOf(prefix);
      if (at >= 0) return mail.text.slice(at).split(/\s/)[0];
    }
    return null;
  }, { timeoutMs: 20_000, what: `a mail to ${rcpt}` });
  return { port, linkTo };
}
