// Drives the OHIF viewer served by Vesalius in headless Chromium (playwright-core) and checks
// that it works against our DICOMweb API. Run by OhifViewerTest; prints one JSON summary line
// ("RESULT {...}") and exits 0 when every check passed, 1 otherwise.
//
//   node ohif-check.mjs BASE_URL STUDY_UID PATIENT_TEXT SCREENSHOT_PREFIX EXPECT_IMAGES
//
// EXPECT_IMAGES is "true" when the server answers WADO-RS /metadata: then the images must be
// displayed (a canvas with varied pixels); otherwise only the study list and the requests are checked.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, studyUid, patientText, shots, expectImagesArg] = process.argv.slice(2);
const expectImages = expectImagesArg === 'true';
const result = { studyList: false, opened: false, metadataRequested: false, framesRequested: false,
                 imageRendered: null, failedResponses: [], errors: [] };
const timeout = 60_000;

const userDataDir = await mkdtemp(join(tmpdir(), 'ohif-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--headless'],
  viewport: { width: 1400, height: 900 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('response', response => {
    if (response.url().includes('/dicomweb/') && response.status() >= 400) {
      result.failedResponses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  page.on('pageerror', error => result.errors.push(String(error).slice(0, 300)));

  // 1. The study list shows the stored study.
  await page.goto(`${base}/viewer/`, { waitUntil: 'domcontentloaded', timeout });
  await page.getByText(patientText, { exact: false }).first().waitFor({ timeout });
  result.studyList = true;
  await page.screenshot({ path: `${shots}-study-list.png` });

  // 2. Open it, as a user does: click its row, then the mode button that appears ("Basic Viewer").
  const metadata = page.waitForRequest(r => /\/series\/[^/]+\/metadata/.test(r.url()), { timeout });
  const frames = page.waitForRequest(r => /\/frames\/[0-9]/.test(r.url()), { timeout });
  metadata.catch(() => {});
  frames.catch(() => {});
  await page.getByText(patientText, { exact: false }).first().click();
  const button = page.getByRole('button', { name: /Basic Viewer/i }).first();
  try {
    await button.waitFor({ timeout: 15_000 });
    await button.click();
  } catch (e) {
    result.errors.push('no "Basic Viewer" button after clicking the study; opening the viewer URL directly');
    await page.goto(`${base}/viewer/viewer?StudyInstanceUIDs=${studyUid}`, { timeout });
  }
  result.opened = true;

  // 3. OHIF asks for the series metadata, then (when that works) for frames.
  await metadata;
  result.metadataRequested = true;
  if (expectImages) {
    await frames;
    result.framesRequested = true;
    // 4. An image is displayed: some canvas shows more than one grey level.
    await page.waitForFunction(() => {
      for (const canvas of document.querySelectorAll('canvas')) {
        if (canvas.width < 16 || canvas.height < 16) continue;
        const copy = document.createElement('canvas');
        copy.width = canvas.width;
        copy.height = canvas.height;
        const context = copy.getContext('2d');
        context.drawImage(canvas, 0, 0);
        const pixels = context.getImageData(0, 0, copy.width, copy.height).data;
        const levels = new Set();
        for (let i = 0; i < pixels.length; i += 4 * 7) levels.add(pixels[i]);
        if (levels.size > 8) return true;
      }
      return false;
    }, null, { timeout, polling: 500 });
    result.imageRendered = true;
  }
  await page.screenshot({ path: `${shots}-viewer.png` });
} catch (e) {
  result.errors.push(String(e).split('\n')[0].slice(0, 500));
  try {
    await context.pages()[0]?.screenshot({ path: `${shots}-failure.png` });
  } catch {
    // the page is gone: nothing to show
  }
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}

const passed = result.studyList && result.opened && result.metadataRequested
    && (!expectImages || (result.framesRequested && result.imageRendered));
console.log('RESULT ' + JSON.stringify(result));
process.exit(passed ? 0 : 1);
