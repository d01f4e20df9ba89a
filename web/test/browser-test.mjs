/**
 * `npm run test:browser`: the playground in a real browser (Debian's Chromium driven by playwright-core).
 * Builds web/ (unless WEB_SKIP_BUILD=1), serves the build cross-origin isolated, and checks that the page
 * trains LeNet-5 to > 80% test accuracy on 2 kernel threads in its worker, recognises a "1" drawn with the
 * mouse, saves the model to IndexedDB, and after a reload loads it back with the same predictions.
 * Any console error or uncaught page error fails the test. Screenshots go to web/test/artifacts/.
 * Skipped (with a message) when /usr/bin/chromium is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWeb, chromiumPath, distDir, webDir } from './build-web.mjs';
import { serve } from './serve.mjs';
import { drawStroke, digitStrokes, touchStroke } from './strokes.mjs';

const STEPS = Number(process.env.BROWSER_TEST_STEPS ?? 400);
const artifacts = path.join(webDir, 'test', 'artifacts');
const chromium = chromiumPath();

/** Bounding box of the ink (> 0.1), centre of mass in pixel-centre coordinates, and the largest value. */
function inputShape(pixels) {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1, m = 0, mx = 0, my = 0, max = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = pixels[y * 28 + x];
      if (v > 0.1) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      m += v; mx += v * (x + 0.5); my += v * (y + 0.5); max = Math.max(max, v);
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1, cx: mx / m, cy: my / m, max };
}

test('playground: trains in a worker on 2 threads, recognises a drawn digit, saves and reloads the model', { skip: chromium ? false : `no working Chromium at ${process.env.CONVNET_CHROMIUM ?? '/usr/bin/chromium'} (apt-get install chromium)`, timeout: 240_000 }, async (t) => {
  const t0 = performance.now();
  if (process.env.WEB_SKIP_BUILD !== '1') buildWeb();
  const built = performance.now();
  const { chromium: pw } = await import('playwright-core');
  const server = await serve(distDir);
  const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox'] });
  t.after(async () => { await browser.close(); await server.close(); });
  fs.mkdirSync(artifacts, { recursive: true });

  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('worker', (w) => w.on('console', (msg) => { if (msg.type() === 'error') problems.push(`worker console error: ${msg.text()}`); }));
  const noProblems = () => assert.deepEqual(problems, [], 'the page logged errors');

  // 1. Training: the worker pauses itself at STEPS and measures accuracy on all 10,000 test images.
  await page.goto(`${server.url}/index.html?stopAt=${STEPS}&threads=2&seed=0`);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, 'the page must be cross-origin isolated (COOP/COEP)');
  await page.waitForFunction(() => window.playground.ready || window.playground.errors.length > 0, null, { timeout: 60_000 });
  const ready = performance.now();
  const backend = await page.evaluate(() => window.playground.backend);
  t.diagnostic(`backend: ${JSON.stringify(backend)}`);
  assert.deepEqual(await page.evaluate(() => window.playground.errors), []);
  assert.equal(backend.backend, 'wasm', 'the WebAssembly kernels must be loaded');
  assert.equal(backend.threads, 2, 'training must run on 2 kernel threads');
  assert.equal(backend.crossOriginIsolated, true);

  // While the worker trains, the page's own thread stays free: 10 ms timers keep firing on time.
  const timerGaps = await page.evaluate(() => new Promise((resolve) => {
    let last = performance.now(), worst = 0, n = 0, steps = window.playground.step;
    const tick = () => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
      if (++n < 100) setTimeout(tick, 10); else resolve({ worst, steps: window.playground.step - steps, running: window.playground.running });
    };
    setTimeout(tick, 10);
  }));
  t.diagnostic(`page thread during training: worst 10 ms timer gap ${timerGaps.worst.toFixed(0)} ms while the worker ran ${timerGaps.steps} steps`);
  assert.ok(timerGaps.steps > 0, 'training must have progressed during the measurement');
  // Generous bound: on 2 busy cores the page's thread competes with the worker's two threads (gaps up to ~200 ms
  // were seen under load); a page that trained on its own thread would block for whole training slices and more.
  assert.ok(timerGaps.worst < 1000, `the page froze for ${timerGaps.worst.toFixed(0)} ms during training`);
  await page.waitForFunction(() => (window.playground.fullEval && !window.playground.running) || window.playground.errors.length > 0, null, { timeout: 120_000, polling: 200 });
  const trained = performance.now();
  const evalResult = await page.evaluate(() => window.playground.fullEval);
  t.diagnostic(`after ${evalResult.step} steps: test accuracy ${(100 * evalResult.acc).toFixed(2)}% on ${evalResult.count} images, loss ${evalResult.loss.toFixed(4)}; ` +
    `training took ${((trained - ready) / 1000).toFixed(1)} s (${((trained - ready) / evalResult.step).toFixed(1)} ms/step incl. evaluations)`);
  assert.equal(evalResult.count, 10000);
  assert.equal(evalResult.step, STEPS);
  assert.ok(evalResult.acc > 0.8, `test accuracy ${evalResult.acc} must exceed 0.8`);
  // The misclassified test images: as many as evaluate's accuracy implies (predict and evaluate agree).
  await page.waitForFunction(() => document.querySelectorAll('#mistakes figure').length > 0, null, { timeout: 10_000 });
  const mistakesInfo = await page.locator('#mistakes-info').textContent();
  t.diagnostic(`mistakes panel: ${mistakesInfo}`);
  const wrong = Number(/: ([\d,]+) of 10,000/.exec(mistakesInfo)[1].replace(/,/g, ''));
  assert.equal(wrong, Math.round((1 - evalResult.acc) * 10000));
  assert.equal(await page.locator('#mistakes figure').count(), Math.min(24, wrong));
  // Paused: the step count stays put (the main thread stays responsive meanwhile: the evaluate above answered).
  assert.equal(await page.evaluate(() => window.playground.running), false);

  // 2. Draw a "1" with the mouse; the network must read it as 1.
  const predictionAfter = async (draw) => {
    const before = await page.evaluate(() => window.playground.prediction?.id ?? 0);
    await draw();
    await page.waitForFunction((id) => (window.playground.prediction?.id ?? 0) > id, before, { timeout: 10_000 });
    await page.waitForTimeout(300); // the last move's request may still be in flight: take the newest answer
    return page.evaluate(() => window.playground.prediction);
  };
  const argMax = (p) => p.indexOf(Math.max(...p));
  // Always on a cleared pad: strokes drawn over each other darken the anti-aliased edges, a different input.
  // The pad is measured each time: messages appearing above it move it down the page.
  const drawOne = async () => { await page.click('#clear'); await drawStroke(page, await page.locator('#pad').boundingBox(), digitStrokes.one); };
  const one = await predictionAfter(drawOne);
  const probsOne = one.probs;
  t.diagnostic(`drawn "1": predicted ${argMax(probsOne)} (p = ${Math.max(...probsOne).toFixed(3)})`);
  assert.equal(argMax(probsOne), 1, `a drawn 1 was read as ${argMax(probsOne)}: ${probsOne.map((p) => p.toFixed(3))}`);
  assert.ok(Math.abs(probsOne.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'probabilities sum to 1');
  assert.equal(await page.locator('#maps .layer-row').count(), 7, 'feature maps of every layer but Flatten');
  // The input is prepared like MNIST: the ink fits a 20×20 box and its centre of mass is the field's centre.
  const shape = inputShape(one.input);
  t.diagnostic(`input: ink box ${shape.width}×${shape.height}, centre of mass (${shape.cx.toFixed(2)}, ${shape.cy.toFixed(2)}), max ${shape.max.toFixed(3)}`);
  assert.equal(Math.max(shape.width, shape.height), 20);
  assert.ok(Math.abs(shape.cx - 14) <= 0.5 && Math.abs(shape.cy - 14) <= 0.5, 'centred by mass');
  assert.ok(shape.max <= 255 / 256 && shape.max > 0.9, 'values like the training data (byte / 256)');
  const seven = await predictionAfter(async () => {
    await page.click('#clear');
    await drawStroke(page, await page.locator('#pad').boundingBox(), digitStrokes.seven);
  });
  t.diagnostic(`drawn "7": predicted ${argMax(seven.probs)} (p = ${Math.max(...seven.probs).toFixed(3)})`);
  assert.equal(argMax(seven.probs), 7, `a drawn 7 was read as ${argMax(seven.probs)}: ${seven.probs.map((p) => p.toFixed(3))}`);
  // "A test image": a real MNIST digit goes to the network as it is.
  const sample = await predictionAfter(() => page.click('#sample'));
  const sampleText = await page.locator('#sample-label').textContent();
  t.diagnostic(`${sampleText}: predicted ${argMax(sample.probs)}`);
  assert.match(sampleText, /^test image #\d+, labelled \d$/);
  assert.ok(Math.max(...sample.input) <= 255 / 256 && sample.input.every((v) => Number.isInteger(v * 256)), 'test pixels are byte / 256');
  await predictionAfter(drawOne); // the "1" again, for the screenshot
  await page.screenshot({ path: path.join(artifacts, 'playground.png'), fullPage: true });

  // 3. Save to IndexedDB.
  await page.click('#save');
  await page.waitForFunction(() => window.playground.saved === 1 || window.playground.errors.length > 0, null, { timeout: 10_000 });
  assert.deepEqual(await page.evaluate(() => window.playground.errors), []);

  // Resume and pause with the buttons: training continues from step STEPS, pausing tests on all 10,000 images again.
  await page.click('#resume');
  await page.waitForFunction((n) => window.playground.step >= n + 50, STEPS, { timeout: 30_000 });
  await page.click('#pause');
  await page.waitForFunction((n) => !window.playground.running && window.playground.fullEval.step > n, STEPS, { timeout: 30_000 });
  const resumed = await page.evaluate(() => window.playground.fullEval);
  t.diagnostic(`resumed and paused at step ${resumed.step}: test accuracy ${(100 * resumed.acc).toFixed(2)}%`);
  assert.ok(resumed.acc > 0.8);

  // 4. Reload without training: fresh random weights, then load the saved model; the same drawing gets the same answer.
  await page.goto(`${server.url}/index.html?train=0&threads=2&seed=1`);
  await page.waitForFunction(() => window.playground.ready || window.playground.errors.length > 0, null, { timeout: 60_000 });
  const fresh = (await predictionAfter(drawOne)).probs;
  await page.click('#load');
  await page.waitForFunction(() => window.playground.loaded === 1 || window.playground.errors.length > 0, null, { timeout: 10_000 });
  assert.deepEqual(await page.evaluate(() => window.playground.errors), []);
  const reloadedPrediction = await predictionAfter(drawOne);
  const reloaded = reloadedPrediction.probs;
  assert.deepEqual(reloadedPrediction.input, one.input, 'the same drawing must give the same 28×28 input');
  const maxDiff = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  t.diagnostic(`before load: predicted ${argMax(fresh)}, max |Δp| vs the trained model ${maxDiff(fresh, probsOne).toFixed(3)}; after load: max |Δp| ${maxDiff(reloaded, probsOne).toExponential(1)}`);
  assert.ok(maxDiff(fresh, probsOne) > 0.01, 'an untrained model must answer differently (else the load proves nothing)');
  assert.ok(maxDiff(reloaded, probsOne) < 1e-5, 'the loaded model must give the saved model\'s probabilities');
  // The same "1" drawn with a finger (touch events) gives the same input, hence the same answer.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  await page.evaluate(() => {
    window.pointerTypes = new Set();
    document.getElementById('pad').addEventListener('pointerdown', (e) => window.pointerTypes.add(e.pointerType));
  });
  const touched = await predictionAfter(async () => {
    await page.click('#clear');
    await touchStroke(cdp, await page.locator('#pad').boundingBox(), digitStrokes.one);
  });
  t.diagnostic(`"1" drawn by touch: predicted ${argMax(touched.probs)}; max |Δinput| vs the mouse drawing ${maxDiff(touched.input, one.input).toFixed(3)}`);
  assert.deepEqual(await page.evaluate(() => [...window.pointerTypes]), ['touch'], 'the stroke arrived as touch pointer events');
  assert.equal(argMax(touched.probs), 1);
  assert.ok(maxDiff(touched.input, one.input) < 0.05, 'touch and mouse strokes through the same points draw the same digit');
  await page.screenshot({ path: path.join(artifacts, 'playground-reloaded.png'), fullPage: true });

  // 5. Download: the TensorFlow.js layers-model files (model.json and its weights), named after the model.
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.click('#download');
  await page.waitForFunction(() => /downloaded/.test(document.getElementById('message').textContent) || window.playground.errors.length > 0, null, { timeout: 10_000 });
  await page.waitForTimeout(500);
  const names = downloads.map((d) => d.suggestedFilename()).sort();
  t.diagnostic(`downloaded: ${names.join(', ')}`);
  assert.deepEqual(names, ['convnet-lenet5.json', 'convnet-lenet5.weights.bin']);
  const jsonFile = downloads.find((d) => d.suggestedFilename().endsWith('.json'));
  const json = JSON.parse(fs.readFileSync(await jsonFile.path(), 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.weightsManifest[0].paths, ['convnet-lenet5.weights.bin']);
  const weightBytes = fs.statSync(await downloads.find((d) => d.suggestedFilename().endsWith('.bin')).path()).size;
  assert.equal(weightBytes, 61706 * 4, 'every LeNet-5 weight as float32');

  noProblems();
  t.diagnostic(`timings: build ${((built - t0) / 1000).toFixed(1)} s, page ready ${((ready - built) / 1000).toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});
