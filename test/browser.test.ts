// Real-browser check of the HTML report in headless Chromium (Debian's package, driven by playwright-core).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { relu6q, ROOT } from './helpers/cli.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!HAS_CHROMIUM)('HTML report in headless Chromium', () => {
  it('loads with no console errors, every figure has a size, and a screenshot is saved', async () => {
    const outDir = join(ROOT, 'test-output');
    mkdirSync(outDir, { recursive: true });
    const page = join(outDir, 'report.html');
    const r = relu6q(['report', '--html', page]);
    expect(r.status, r.stderr).toBe(0);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      tab.on('pageerror', (e) => errors.push(e.message));
      const requests: string[] = [];
      tab.on('request', (req) => {
        if (!req.url().startsWith('file:')) requests.push(req.url());
      });
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      const sizes = await tab.$$eval('figure svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((b) => [b.width, b.height]));
      expect(sizes.length).toBeGreaterThanOrEqual(6); // 2 histograms, 2 sweeps, 2 staircases
      for (const [w, h] of sizes) {
        expect(w).toBeGreaterThan(100);
        expect(h).toBeGreaterThan(100);
      }
      const rows = await tab.$$eval('table tbody tr', (trs) => trs.length);
      expect(rows).toBe(12); // 4 schemes × (2 files + totals)
      const shot = join(outDir, 'report.png');
      await tab.screenshot({ path: shot, fullPage: true, timeout: 30000 });
      expect(statSync(shot).size).toBeGreaterThan(10000);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]); // nothing fetched from the network
    } finally {
      await browser.close();
    }
  }, 120000);
});
