/**
 * `npm run bench:browser`: opens the bench page (web/bench.html) in headless Chromium, cross-origin isolated,
 * and prints its table: the LeNet-5 training step (batch 32) with convnet on 1 and 2 threads, its TypeScript
 * kernels, and TensorFlow.js's backends in the same page. Builds web/ first unless WEB_SKIP_BUILD=1.
 * BENCH_STEPS=n timed steps per fast engine (default 40; each runs at least 1 s as well).
 * Extra Chromium flags: BENCH_CHROMIUM_ARGS="--flag --flag".
 */
import { loadavg } from 'node:os';
import { buildWeb, chromiumPath, distDir } from './build-web.mjs';
import { serve } from './serve.mjs';

const chromium = chromiumPath();
if (!chromium) {
  console.log(`bench:browser: skipped: no working Chromium at ${process.env.CONVNET_CHROMIUM ?? '/usr/bin/chromium'} (apt-get install chromium)`);
  process.exit(0);
}
if (process.env.WEB_SKIP_BUILD !== '1') buildWeb();
const steps = Number(process.env.BENCH_STEPS ?? 40);
const { chromium: pw } = await import('playwright-core');
const server = await serve(distDir);
const extra = (process.env.BENCH_CHROMIUM_ARGS ?? '').split(/\s+/).filter(Boolean);
const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', ...extra] });
let exitCode = 0;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  const loadBefore = loadavg()[0];
  await page.goto(`${server.url}/bench.html?steps=${steps}`);
  await page.waitForFunction(() => window.bench?.done, null, { timeout: 600_000, polling: 500 });
  const bench = await page.evaluate(() => window.bench);
  const version = browser.version();
  const ref = bench.results.find((r) => r.label === 'convnet, 2 threads')?.msPerStep ?? null;
  const rows = bench.results.map((r) => r.msPerStep === null
    ? [r.label, '-', '-', '-', `unavailable: ${r.error}`]
    : [r.label, r.msPerStep.toFixed(2), String(Math.round(32000 / r.msPerStep)), ref ? `${(r.msPerStep / ref).toFixed(2)}×` : '-', `${r.detail} (${r.steps} timed steps)`]);
  console.log(`LeNet-5 training step, batch 32, float32, in Chromium ${version} (headless), ${bench.cores} logical cores, crossOriginIsolated ${bench.crossOriginIsolated}`);
  // Other processes on the machine share its cores with the page's threads: say how busy it was.
  console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
  console.log(table(['engine', 'ms/step', 'examples/s', 'time vs convnet 2 threads', 'details'], rows));
  if (!bench.results.some((r) => r.engine === 'convnet-wasm' && r.msPerStep !== null)) { console.error('convnet did not run'); exitCode = 1; }
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode);

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
