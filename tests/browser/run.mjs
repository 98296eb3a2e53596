// Run every tests/browser/*.spec.mjs (or those whose file name contains one of
// the arguments) in one headless Chromium, one test at a time, each bounded by
// its own timeout. Exits nonzero if any test fails.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BIN, CHROMIUM, cleanupLive, launchBrowser, registry } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);

for (const [what, path] of [['statusd binary', BIN], ['Chromium', CHROMIUM]]) {
  if (!existsSync(path)) {
    console.error(`error: ${what} not found at ${path} (run scripts/test, or cargo build first)`);
    process.exit(1);
  }
}

const specs = (await readdir(here))
  .filter((f) => f.endsWith('.spec.mjs'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (specs.length === 0) {
  console.error('error: no browser spec files matched');
  process.exit(1);
}
for (const f of specs) {
  const before = registry.length;
  await import(pathToFileURL(join(here, f)).href);
  for (const t of registry.slice(before)) t.name = `${f.replace(/\.spec\.mjs$/, '')} › ${t.name}`;
}

function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms: ${name}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// Never leave a statusd behind when the run itself is interrupted.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { cleanupLive().finally(() => process.exit(130)); });
}

const browser = await launchBrowser();
console.log(`browser: Chromium ${browser.version()}`);
let passed = 0;
let failed = 0;
try {
  for (const t of registry) {
    const started = Date.now();
    try {
      await withTimeout(t.fn({ browser }), t.timeoutMs, t.name);
      passed += 1;
      console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${t.name} (${Date.now() - started} ms)`);
      console.log(String(err && err.stack ? err.stack : err).replace(/^/gm, '     '));
    } finally {
      await cleanupLive();
    }
  }
} finally {
  await browser.close().catch(() => {});
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
