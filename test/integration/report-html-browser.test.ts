/**
 * The demo's report.html opened in a real browser (Debian's chromium, headless, driven by
 * playwright-core): it loads with no console error and no request, each chart draws one bar or
 * point per data row of report.json, the findings table matches report.json (with each finding new or
 * ongoing, the suppressed and expired entries, the baseline days and the rules held back), the phone layout
 * does not overflow, dark mode is dark, and screenshots land in test-output/report-html.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { InterfacePlace, Report } from '../../src/lib/report/model.js';
import type { Row } from '../../src/lib/ports.js';
import { placeLabel, placeLine, placeOf } from '../../src/lib/report/interfaces.js';
import { buildingText } from '../../src/lib/report/baseline.js';
import { findingsBySeverity, noveltyText } from '../../src/lib/render/present.js';
import { bufferedIo } from '../support/cli-io.js';

const CHROMIUM = '/usr/bin/chromium';
/** Git-ignored: the demo's files and the screenshots stay there for a person to look at. */
const OUTPUT = resolve('test-output', 'report-html');
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI !== undefined) throw new Error(`${CHROMIUM} is missing: .ci/run installs it with apt-get (apt-get install -y chromium)`);
  console.warn(`report-html-browser: skipped, ${CHROMIUM} is missing (apt-get update && apt-get install -y chromium)`);
}

describe.skipIf(!available)('the demo report.html in headless Chromium', () => {
  let browser: Browser;
  let report: Report;
  let url: string;
  const problems: string[] = [];

  async function open(options: { width: number; height: number; colorScheme: 'light' | 'dark' }): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: options.width, height: options.height }, colorScheme: options.colorScheme });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (request.url() !== url) problems.push(`request: ${request.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    return page;
  }

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    const io = bufferedIo(OUTPUT);
    const code = await main(['demo', '--dir', 'demo', '--records', '3000'], io);
    if (code !== 0) throw new Error(`the demo exited ${code}: ${io.stderr()}`);
    const html = join(OUTPUT, 'demo', 'report', 'report.html');
    expect(io.stdout()).toContain(html);
    report = JSON.parse(await readFile(join(OUTPUT, 'demo', 'report', 'report.json'), 'utf8')) as Report;
    url = pathToFileURL(html).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('when opened on a laptop, it logs no error, requests nothing else, and each chart draws one mark per data row', async () => {
    const page = await open({ width: 1200, height: 900, colorScheme: 'light' });
    const hourly = report.series?.find((s) => s.rule === 'hourly-records')?.rows ?? [];
    const egress = report.series?.find((s) => s.rule === 'host-egress')?.rows ?? [];
    const sources = report.digests.find((d) => d.rule === 'top-rejected-sources')?.rows ?? [];
    const ports = report.digests.find((d) => d.rule === 'top-rejected-ports')?.rows ?? [];
    const marks = (chart: string, selector: string) => page.locator(`figure[data-chart="${chart}"] ${selector}`).count();

    expect(hourly).toHaveLength(24);
    expect(await marks('hourly-rejected', 'circle.point')).toBe(hourly.length);
    expect(await marks('hourly-accepted', 'circle.point')).toBe(hourly.length);
    expect(await page.locator('figure[data-chart="hourly-rejected"] circle.point').evaluateAll((dots) => dots.map((d) => Number(d.getAttribute('data-value'))))).toEqual(
      hourly.map((r) => r.rejected),
    );
    expect(sources.length).toBeGreaterThan(0);
    expect(await marks('top-sources', '.bar')).toBe(sources.length);
    expect(await marks('top-ports', '.bar')).toBe(ports.length);
    expect(egress.length).toBeGreaterThan(0);
    expect(await marks('host-egress', '.bar')).toBe(egress.length);
    // Every bar is drawn with a width, so none is an empty box.
    expect(await page.locator('.bar').evaluateAll((bars) => bars.filter((b) => b.getBoundingClientRect().width < 1).length)).toBe(0);
    await page.screenshot({ path: join(OUTPUT, 'report-laptop-light.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('when opened, the findings table lists exactly the findings of report.json, worst first, with their severity and count', async () => {
    const page = await open({ width: 1200, height: 900, colorScheme: 'light' });

    const rows = await page.locator('table.findings tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        rule: tr.querySelector('code')?.textContent,
        severity: tr.querySelector('.sev')?.textContent,
        count: Number(tr.querySelector('td.num')?.textContent?.replace(/,/g, '')),
      })),
    );

    expect(rows).toEqual(findingsBySeverity(report).map((f) => ({ rule: f.rule, severity: f.severity, count: f.count })));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(problems).toEqual([]);
  });

  it('when opened, it shows each finding new or ongoing, the suppressed and expired entries and the baseline days as report.json has them', async () => {
    const page = await open({ width: 1200, height: 900, colorScheme: 'light' });

    const badges = await page.locator('table.findings tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('[data-novelty]')?.textContent ?? ''));
    const suppressed = await page
      .locator('table.suppressed tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)));
    const expired = await page.locator('[data-expired-entry]').evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-expired-entry'))));
    const days = await page
      .locator('ol.days li')
      .evaluateAll((lis) =>
        lis.map((li) => ({ date: li.getAttribute('data-date'), complete: li.getAttribute('data-complete') === 'true', hours: Number(li.getAttribute('data-hours')) })),
      );

    expect(badges).toEqual(findingsBySeverity(report).map((f) => noveltyText(f)));
    expect(badges.every((b) => b !== '')).toBe(true);
    expect(report.suppressed?.length).toBeGreaterThan(0);
    expect(suppressed).toEqual((report.suppressed ?? []).map((s) => [s.rule, `${s.reason} entry ${s.entry}`, s.expires, String(s.count)]));
    expect(expired).toEqual((report.expiredSuppressions ?? []).map((e) => e.entry));
    expect(expired.length).toBeGreaterThan(0);
    expect(days).toEqual(report.baseline?.days.map((d) => ({ date: d.date, complete: d.complete, hours: d.hours })));
    expect(days).toHaveLength(7);
    expect(problems).toEqual([]);
  });

  it("when opened, the charts' hosts and the suppressed rows show where their interfaces live, as report.json places them", async () => {
    const page = await open({ width: 1200, height: 900, colorScheme: 'light' });
    const labels = (chart: string) =>
      page
        .locator(`figure[data-chart="${chart}"] .label`)
        .evaluateAll((spans) =>
          spans.map((s) => ({ address: s.firstChild?.textContent ?? '', place: s.querySelector('.place')?.textContent ?? null, title: s.getAttribute('title') })),
        );
    const expected = (rows: readonly Row[], places: readonly InterfacePlace[] | undefined) =>
      rows.map((r) => {
        const place = placeOf(places, String(r.sourceaddress));
        return { address: String(r.sourceaddress), place: place === undefined ? null : placeLabel(place), title: place === undefined ? String(r.sourceaddress) : placeLine(place) };
      });
    const egress = report.series?.find((s) => s.rule === 'host-egress');
    const sources = report.digests.find((d) => d.rule === 'top-rejected-sources');
    const whereKeys = await page.locator('table.suppressed td.where [data-place]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-place')));

    expect(await labels('host-egress')).toEqual(expected(egress?.rows ?? [], egress?.places));
    expect(await labels('top-sources')).toEqual(expected(sources?.rows ?? [], sources?.places));
    // The sample's hosts are in its interfaces.json: the demo places every private host that sends to the internet.
    expect(egress?.places?.length).toBe(egress?.rows.length);
    expect(whereKeys).toEqual((report.suppressed ?? []).flatMap((s) => (s.places ?? []).slice(0, 10).map((p) => p.key)));
    expect(problems).toEqual([]);
  });

  it('when the early report is opened, it says which spike rules wait for the baseline, as report.json does', async () => {
    const early = JSON.parse(await readFile(join(OUTPUT, 'demo', 'report-early', 'report.json'), 'utf8')) as Report;
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(join(OUTPUT, 'demo', 'report-early', 'report.html')).href, { waitUntil: 'load' });

    const held = await page.locator('[data-building]').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-building'), li.querySelector('.badge')?.textContent]));

    expect(held).toEqual((early.building ?? []).map((b) => [b.rule, buildingText(b)]));
    expect(held.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUTPUT, 'report-early-laptop-light.png') });
  });

  it('when opened on a phone in dark mode, nothing is wider than the screen and the page is dark', async () => {
    const page = await open({ width: 390, height: 844, colorScheme: 'dark' });

    // Expressions run in the page (this project compiles without the DOM library).
    const widths = (await page.evaluate('({ page: document.documentElement.scrollWidth, screen: window.innerWidth })')) as { page: number; screen: number };
    const background = (await page.evaluate('getComputedStyle(document.body).backgroundColor')) as string;
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);

    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    expect(r + g + b).toBeLessThan(3 * 64);
    await page.screenshot({ path: join(OUTPUT, 'report-phone-dark.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('when printed, it makes a PDF with every chart in it', async () => {
    const page = await open({ width: 1200, height: 900, colorScheme: 'light' });
    await page.emulateMedia({ media: 'print' });

    const visibleCharts = await page.locator('figure.chart').evaluateAll((figures) => figures.filter((f) => f.getBoundingClientRect().height > 0).length);
    const pdf = await page.pdf({ path: join(OUTPUT, 'report.pdf'), format: 'A4', printBackground: true });

    expect(visibleCharts).toBe(5);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(problems).toEqual([]);
  });
});
