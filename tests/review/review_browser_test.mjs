// SPDX-License-Identifier: MIT
// Browser test of `segoid review_predictions`: drives Debian's chromium with playwright-core over
// synthetic 2048x2048 plates and hand-made predictions (two disks per plate).
// Usage: node review_browser_test.mjs SEGOID_BINARY   (exit 77 = skipped)
// SEGOID_REVIEW_SCREENSHOT=FILE also saves a screenshot of the page there.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const CHROMIUM = process.env.SEGOID_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;
const segoid = process.argv[2];
if (!segoid || !fs.existsSync(segoid)) { console.error('usage: review_browser_test.mjs SEGOID_BINARY'); process.exit(2); }
if (!fs.existsSync(CHROMIUM)) { console.log(`SKIP: ${CHROMIUM} is absent (make deps installs chromium)`); process.exit(SKIP); }
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log('SKIP: playwright-core is not installed (run npm ci in the repository root)');
  process.exit(SKIP);
}

const SIZE = 2048;
// The predicted objects: A is a false positive to reject, B stays; the polygon adds a missed one.
const DISK_A = { x: 400, y: 400, r: 120 };
const DISK_B = { x: 1500, y: 1200, r: 150 };
const POLYGON = [[900, 1500], [1200, 1500], [1200, 1800], [900, 1800]];
// Probability on the predicted borders per plate: plate 2 is the least confident, then 4, 3, 1.
const BORDER_P = [0.05, 0.45, 0.2, 0.3];

// A minimal uncompressed little-endian one-strip TIFF (8-bit unsigned or 32-bit float gray).
function writeTiff(file, width, height, data, float) {
  const bits = float ? 32 : 8;
  const entries = [[256, 4, width], [257, 4, height], [258, 3, bits], [259, 3, 1], [262, 3, 1], [273, 4, 0],
    [277, 3, 1], [278, 4, height], [279, 4, data.byteLength], [339, 3, float ? 3 : 1]];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const head = Buffer.alloc(dataOffset);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    head.writeUInt16LE(tag, at);
    head.writeUInt16LE(type, at + 2);
    head.writeUInt32LE(1, at + 4);
    const v = tag === 273 ? dataOffset : value;
    if (type === 3) head.writeUInt16LE(v, at + 8); else head.writeUInt32LE(v, at + 8);
  });
  head.writeUInt32LE(0, 10 + entries.length * 12);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function writePrediction(dir, basename, borderP) {
  const mask = new Uint8Array(SIZE * SIZE), prob = new Float32Array(SIZE * SIZE);
  for (const d of [DISK_A, DISK_B]) {
    for (let y = d.y - d.r - 4; y <= d.y + d.r + 4; ++y) {
      for (let x = d.x - d.r - 4; x <= d.x + d.r + 4; ++x) {
        const dist = Math.hypot(x - d.x, y - d.y);
        if (dist <= d.r) { mask[y * SIZE + x] = 255; prob[y * SIZE + x] = 1; }
        if (Math.abs(dist - d.r) <= 3) prob[y * SIZE + x] = borderP;
      }
    }
  }
  writeTiff(path.join(dir, `${basename}_pred_mask.tif`), SIZE, SIZE, mask, false);
  writeTiff(path.join(dir, `${basename}_pred_prob.tif`), SIZE, SIZE, prob, true);
}

function run(args) {
  const result = spawnSync(segoid, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`segoid ${args.join(' ')} failed (${result.status}): ${result.stdout}${result.stderr}`);
  return result.stdout;
}

// Starts the review command and resolves with { child, url, exited } once it printed its URL.
function startReview(args) {
  const child = spawn(segoid, ['review', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]+/);
      if (match) resolve({ child, url: match[0], exited });
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    exited.then(({ code }) => reject(new Error(`review exited early (${code}): ${stdout}${stderr}`)));
  });
}

const waitFor = (page, fn, arg, timeout = 15000) => page.waitForFunction(fn, arg, { timeout });
const reviewState = (page) => page.evaluate(() => {
  const s = window.__review.state;
  return { idx: s.idx, phase: s.phase, paused: s.paused, items: s.items.map(i => ({ name: i.name, flagged: i.flagged, reason: i.reason, corrected: i.corrected, version: i.version, edits: (i.edits || []).length })) };
});

// Screen position of an image pixel in the main pane.
async function screenOf(page, x, y) {
  const box = await page.locator('#pane-main .base').boundingBox();
  return [box.x + x / SIZE * box.width, box.y + y / SIZE * box.height];
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'segoid-review-browser-'));
let browser = null;
const children = [];
try {
  run(['synth', '--out', path.join(tmp, 'synth'), '--images', '4', '--seed', '3', '--size', `${SIZE}x${SIZE}`]);
  const imageDir = path.join(tmp, 'synth', 'working', 'images');
  const predDir = path.join(tmp, 'pred');
  fs.mkdirSync(predDir);
  const names = fs.readdirSync(imageDir).sort();
  names.forEach((file, i) => writePrediction(predDir, path.parse(file).name, BORDER_P[i]));
  const flaggedList = path.join(tmp, 'review', 'flagged.txt');
  const corrections = path.join(tmp, 'corrections');
  const args = ['--image-dir', imageDir, '--pred-mask-dir', predDir, '--corrections-dir', corrections,
    '--output-flagged', flaggedList, '--session', path.join(tmp, 'review', 'session.json'),
    '--display-duration', '0.5', '--reviewer', 'browser-test', '--port', '0'];

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  let review = await startReview(args);
  children.push(review.child);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, bypassCSP: true });  // waitForFunction evaluates strings
  page.on('pageerror', (e) => { console.error('page error:', e.message); process.exitCode = 1; });

  // Without the token the server refuses.
  const forbidden = await page.goto(review.url.replace(/\?t=.*/, ''));
  assert.equal(forbidden.status(), 403);
  await page.goto(review.url);
  await waitFor(page, () => window.__review && window.__review.state.items.length === 4);

  // 1. The slideshow advances (plain, overlay, next) and pauses.
  await waitFor(page, () => window.__review.state.phase === 'overlay');
  await waitFor(page, () => window.__review.state.idx === 1);
  await page.keyboard.press('Space');
  const paused = await reviewState(page);
  assert.equal(paused.paused, true);
  await page.waitForTimeout(1600);  // more than a full plain + overlay cycle
  const stillPaused = await reviewState(page);
  assert.equal(stillPaused.idx, paused.idx, 'paused slideshow must not advance');
  assert.equal(stillPaused.phase, paused.phase);
  console.log('slideshow advanced to image 2 and stayed there while paused');

  // 2. Flag two images: plate 1 by key (F), plate 2 by a click on the image.
  await page.keyboard.press('ArrowLeft');
  await waitFor(page, () => window.__review.state.idx === 0);
  await page.keyboard.press('f');
  await waitFor(page, () => window.__review.state.items[0].flagged === true);
  await page.keyboard.press('ArrowRight');
  await waitFor(page, () => window.__review.state.idx === 1);
  await page.keyboard.press('2');  // reason missed_spheroid, which also flags
  await waitFor(page, () => window.__review.state.items[1].reason === 'missed_spheroid');
  await page.locator('#pane-main').click({ position: { x: 30, y: 30 } });  // click unflags ...
  await waitFor(page, () => window.__review.state.items[1].flagged === false);
  await page.locator('#pane-main').click({ position: { x: 30, y: 30 } });  // ... and flags again
  await waitFor(page, () => window.__review.state.items[1].flagged === true);
  const status = await page.locator('#status-left').textContent();
  assert.match(status, /flagged 2/);

  // 3. Correct plate 3: reject disk A, draw a polygon over a missed object, save.
  await page.keyboard.press('ArrowRight');
  await waitFor(page, () => window.__review.state.idx === 2);
  await page.keyboard.press('r');
  await page.mouse.click(...(await screenOf(page, DISK_A.x, DISK_A.y)));
  await waitFor(page, () => window.__review.state.items[2].version >= 1);
  await page.keyboard.press('p');
  for (const [x, y] of POLYGON) await page.mouse.click(...(await screenOf(page, x, y)), { delay: 20 });
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.__review.state.items[2].version >= 2);
  await page.keyboard.press('s');
  await waitFor(page, () => window.__review.state.items[2].corrected === true);
  // The overlay shown is the edited mask (version 2), once loaded.
  await waitFor(page, () => { const o = document.querySelector('#pane-main .ovl'); return /[?&]v=2(&|$)/.test(o.src) && o.complete && o.naturalWidth > 0; });
  if (process.env.SEGOID_REVIEW_SCREENSHOT) await page.screenshot({ path: process.env.SEGOID_REVIEW_SCREENSHOT });
  await page.keyboard.press('v');

  // Zoom and pan at full resolution in side-by-side mode too: past the 1600-px preview, both
  // panes show /api/region crops of the 2048-px plate.
  await page.locator('#modes button[data-mode="sidebyside"]').click();
  await waitFor(page, () => window.__review.state.mode === 'sidebyside');
  const mainBox = await page.locator('#pane-main').boundingBox();
  await page.mouse.move(mainBox.x + mainBox.width / 2, mainBox.y + mainBox.height / 2);
  for (let i = 0; i < 6; ++i) await page.mouse.wheel(0, -240);
  for (const pane of ['#pane-plain', '#pane-main']) {
    await waitFor(page, (sel) => {
      const img = document.querySelector(sel + ' .hires');
      return img.style.display === 'block' && img.src.includes('/api/region') && img.complete && img.naturalWidth > 0;
    }, pane);
  }
  await page.keyboard.press('0');  // fit again
  await page.locator('#modes button[data-mode="slideshow"]').click();
  await waitFor(page, () => window.__review.state.mode === 'slideshow');

  // 6. Time the switch to the next image (previews prefetched, as in normal use).
  await page.keyboard.press('Space');  // resume, so the slideshow timer runs too
  await page.keyboard.press('Space');  // pause again: only our keys move
  const cold = await page.evaluate(() => window.__review.switchTimes[0]);
  console.log(`first image shown (cold: nothing cached, ${SIZE}x${SIZE} 16-bit plate decoded on request): ${cold.toFixed(1)} ms`);
  await page.evaluate(() => { window.__review.switchTimes.length = 0; });
  for (let i = 0; i < 8; ++i) {
    const before = await page.evaluate(() => window.__review.switchTimes.length);
    await page.keyboard.press(i % 4 === 3 ? 'ArrowLeft' : 'ArrowRight');
    await waitFor(page, (n) => window.__review.switchTimes.length > n, before);
    await page.waitForTimeout(300);  // let the prefetch of the next images finish, as a reviewer's glance would
  }
  const times = (await page.evaluate(() => window.__review.switchTimes.slice())).sort((a, b) => a - b);
  console.log(`switch to the next image (${SIZE}x${SIZE} plates): median ${times[times.length >> 1].toFixed(1)} ms, ` +
    `max ${times[times.length - 1].toFixed(1)} ms over ${times.length} switches`);

  // Esc saves and stops the server; the command exits 0 and says where the list is.
  await page.keyboard.press('Escape');
  await waitFor(page, () => !document.querySelector('#done').hidden);
  let ended = await review.exited;
  assert.equal(ended.code, 0, ended.stderr);
  assert.match(ended.stdout, /2 of 4 images flagged, 1 corrected\. Flagged list: .*flagged\.txt/);

  // 4. The flagged files and the corrected mask's pixels.
  assert.equal(fs.readFileSync(flaggedList, 'utf8'), `${path.parse(names[0]).name}\n${path.parse(names[1]).name}\n`);
  const csv = fs.readFileSync(flaggedList.replace(/\.txt$/, '.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'image_path,mask_path,flag_reason,reviewer,timestamp');
  assert.equal(csv.length, 3);
  assert.match(csv[2], /,missed_spheroid,browser-test,\d{4}-\d\d-\d\dT/);
  const base3 = path.parse(names[2]).name;
  const maskFile = path.join(corrections, 'masks', `${base3}_mask.tif`);
  assert.ok(fs.existsSync(path.join(corrections, 'images', names[2])));
  const splits = path.join(tmp, 'splits');
  run(['validate_dataset', '--input-dir', corrections, '--output-dir', splits]);  // exit 0: accepted unedited
  const all = fs.readFileSync(path.join(splits, 'all.csv'), 'utf8').trim().split('\n');
  const header = all[0].split(',');
  const row = all[1].split(',');
  assert.equal(Number(row[header.indexOf('object_count')]), 2, 'disk B and the polygon');
  const expected = (Math.PI * DISK_B.r ** 2 + 301 * 301) / (SIZE * SIZE);
  assert.ok(Math.abs(Number(row[header.indexOf('mask_coverage')]) - expected) < 0.002, `coverage ${row[header.indexOf('mask_coverage')]} vs ${expected}`);
  const py = spawnSync('/usr/bin/python3', ['-c',
    'import sys, numpy; from PIL import Image; m = numpy.array(Image.open(sys.argv[1])); ' +
    'print(m.shape[0], m.shape[1], m.dtype, m[400, 400], m[1200, 1500], m[1650, 1050], m[1510, 910], m[1790, 1190], m[100, 100], sorted(set(m.ravel().tolist())))',
    maskFile], { encoding: 'utf8' });
  if (py.status === 0) {
    // rows, cols, disk A centre (rejected), disk B centre, polygon centre and corners, background
    assert.equal(py.stdout.trim(), '2048 2048 uint8 0 255 255 255 255 0 [0, 255]');
    console.log('corrected mask pixels checked with PIL');
  } else {
    console.log(`python3 with PIL unavailable (${py.stderr.trim().split('\\n').pop()}): mask pixels checked through validate_dataset only`);
  }

  // 5. Restart on the same folders: the flags (and the saved correction) come back.
  review = await startReview(args);
  children.push(review.child);
  await page.goto(review.url);
  await waitFor(page, () => window.__review && window.__review.state.items.length === 4);
  const restored = await reviewState(page);
  assert.deepEqual(restored.items.map(i => i.flagged), [true, true, false, false]);
  assert.equal(restored.items[1].reason, 'missed_spheroid');
  assert.equal(restored.items[2].corrected, true);
  // The triage grid: least confident first, flags and the correction marked.
  await page.keyboard.press('g');
  await waitFor(page, () => Array.from(document.querySelectorAll('.card .confidence')).every(e => /%/.test(e.textContent)), undefined, 30000);
  const order = await page.locator('.card').evaluateAll(cards => cards.map(c => c.dataset.name));
  assert.deepEqual(order, [1, 3, 2, 0].map(i => path.parse(names[i]).name));
  assert.equal(await page.locator('.card.flagged').count(), 2);
  assert.equal(await page.locator('.card .badge.fixed').count(), 1);
  if (process.env.SEGOID_REVIEW_GRID_SCREENSHOT) await page.screenshot({ path: process.env.SEGOID_REVIEW_GRID_SCREENSHOT });
  await page.locator('#finish').click();
  ended = await review.exited;
  assert.equal(ended.code, 0, ended.stderr);
  console.log('review browser test passed');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
}
