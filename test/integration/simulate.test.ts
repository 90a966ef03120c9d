import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARGO_CLASS_CODES } from '../../db/schema';
import { renderChart } from '../../scripts/simulation/chart';
import { formatReport, summaryOf } from '../../scripts/simulation/report';
import { runSimulation, type SimulationResult } from '../../scripts/simulation/run-simulation';
import { runScript } from '../helpers/process';
import { tempDir } from '../helpers/server';

/** Small enough for a test, large enough that every actor has something to do (this seed books storage and consolidates on day 1). */
const SMALL = { days: 1, seed: 3, scale: 0.2 };

/** Tags of an XML document, checked for balance; returns the elements' names and attributes in document order. */
function parseXml(text: string): { name: string; attributes: Record<string, string> }[] {
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  const elements: { name: string; attributes: Record<string, string> }[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let match = tag.exec(body); match; match = tag.exec(body)) {
    expect(body.slice(last, match.index)).not.toMatch(/[<>]/);
    last = tag.lastIndex;
    const [, closing, name, attributeText, selfClosing] = match;
    if (closing) {
      expect(open.pop()).toBe(name);
      continue;
    }
    const attributes = Object.fromEntries([...attributeText!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    elements.push({ name: name!, attributes });
    if (!selfClosing) open.push(name!);
  }
  expect(open).toEqual([]);
  expect(body.slice(last).trim()).toBe('');
  return elements;
}

describe('npm run simulate', () => {
  const tmp = tempDir();
  let banwol: SimulationResult;
  let again: SimulationResult;

  beforeAll(async () => {
    banwol = await runSimulation({ complexCode: 'BANWOL_SIHWA', ...SMALL });
    again = await runSimulation({ complexCode: 'BANWOL_SIHWA', ...SMALL });
  }, 60_000);
  afterAll(() => tmp.remove());

  it('posts requests that carriers book, carry and deliver through the real service', () => {
    const { requests, transport } = banwol.insights;
    expect(requests.posted).toBeGreaterThan(10);
    expect(requests.posted).toBe(banwol.counters.requests);
    expect(requests.served).toBeGreaterThan(0);
    expect(banwol.counters.bookings).toBeGreaterThanOrEqual(requests.served);
    expect(banwol.counters.deliveries).toBe(banwol.counters.bookings - banwol.counters.endedBeforePickup);
    // The activity line's vehicle trips are the routes booked, as insights count them: an extension is no new trip.
    expect(banwol.counters.trips).toBe(banwol.insights.trips.trips);
    expect(requests.consolidated).toBeGreaterThan(0);
    expect(banwol.counters.storageBookings).toBeGreaterThan(0);
    expect(transport.costKrw).toBeGreaterThan(0);
    expect(transport.costKrw).toBeLessThan(transport.baselineCostKrw);
    expect(transport.baselineEmptyKmSharePct).toBe(50);
    expect(banwol.httpRequests).toBeGreaterThan(requests.posted * 4);
  });

  it('sums up in one JSON summary with every field in a sane range', () => {
    const summary = summaryOf(banwol);
    expect(Object.keys(summary).sort()).toEqual(['bench', 'complex', 'days', 'emptyKmSharePct', 'loadFactorPct', 'requests', 'requestsPerTrip', 'savingsPct', 'seed', 'servedPct', 'utilisationPct']);
    // Pooled routes: a trip carries at least one request, and loads never exceed the trucks.
    expect(summary.requestsPerTrip).toBeGreaterThanOrEqual(1);
    expect(summary.loadFactorPct).toBeGreaterThan(0);
    expect(summary.loadFactorPct).toBeLessThanOrEqual(100);
    expect(summary).toMatchObject({ bench: 'simulate', complex: 'BANWOL_SIHWA', days: 1, seed: SMALL.seed });
    expect(summary.savingsPct).toBeGreaterThan(0);
    expect(summary.savingsPct).toBeLessThan(100);
    expect(summary.emptyKmSharePct).toBeGreaterThan(0);
    expect(summary.emptyKmSharePct).toBeLessThan(50);
    for (const pct of [summary.utilisationPct, summary.servedPct]) {
      expect(pct).toBeGreaterThanOrEqual(0);
      expect(pct).toBeLessThanOrEqual(100);
    }
    expect(summary.servedPct).toBeGreaterThan(50);
  });

  it("lines up the KPI table's columns on a terminal, where a Hangul syllable takes two columns", () => {
    const lines = formatReport(banwol, 'chart.svg').split('\n');
    const header = lines.findIndex((line) => line.startsWith('KPI '));
    const rows = lines.slice(header, lines.findIndex((line) => line.startsWith('Cross-check')));
    expect(rows.some((row) => /[가-힣]/.test(row))).toBe(true);
    const columns = (row: string) => [...row].reduce((n, ch) => n + (/[가-힣]/.test(ch) ? 2 : 1), 0);
    // Where the baseline column starts: the header's, and every row's after its two-space gap.
    const start = columns(rows[0]!.slice(0, rows[0]!.indexOf('no-sharing baseline')));
    for (const row of rows.slice(1)) expect(columns(row.slice(0, row.lastIndexOf('  ') + 2)), row).toBe(start);
  });

  it("prints a target's figure as precisely as its verdict: 15.04 % empty km misses 15 %, so it does not read 15.0 %", () => {
    const near = { ...banwol, insights: { ...banwol.insights, transport: { ...banwol.insights.transport, savingsPct: 29.96, emptyKmSharePct: 15.04 }, requests: { ...banwol.insights.requests, servedPct: 98.96 } } };
    const targets = formatReport(near, 'chart.svg').split('\n').filter((line) => /^(target met|TARGET MISSED)/.test(line));
    expect(targets).toEqual(['TARGET MISSED: savings 29.96% (≥ 30%)', 'TARGET MISSED: empty-km share 15.04% (≤ 15%)', 'TARGET MISSED: served 98.96% (≥ 99%)']);
  });

  it('gives the same KPIs for the same seed', () => {
    expect(again.insights).toEqual(banwol.insights);
    expect(again.counters).toEqual(banwol.counters);
    expect(again.observed).toEqual(banwol.observed);
  });

  it('charts daily cost and empty km against the baseline as a well-formed SVG', () => {
    const path = join(tmp.dir, 'chart.svg');
    writeFileSync(path, renderChart('Banwol-Sihwa', banwol.insights.days));
    const elements = parseXml(readFileSync(path, 'utf8'));
    expect(elements[0]).toMatchObject({ name: 'svg', attributes: { xmlns: 'http://www.w3.org/2000/svg' } });
    const series = (name: string) => elements.filter((e) => e.attributes['data-series'] === name);
    expect(series('cost')).toHaveLength(banwol.insights.days.length);
    expect(series('baselineCost')).toHaveLength(banwol.insights.days.length);
    expect(series('emptyKm')).toHaveLength(1);
    expect(series('baselineEmptyKm')).toHaveLength(1);
    const texts = readFileSync(path, 'utf8');
    for (const label of ['Daily cost (million KRW)', 'Daily empty km', 'with sharing', 'no-sharing baseline']) expect(texts).toContain(label);
  });

  it("follows the complex's own industry mix: Yeosu ships hazmat and liquid bulk", async () => {
    const dbPath = join(tmp.dir, 'yeosu.db');
    const yeosu = await runSimulation({ complexCode: 'YEOSU', ...SMALL, scale: 0.4, keepDbPath: dbPath });
    expect(yeosu.insights.requests.served).toBeGreaterThan(0);
    const db = new Database(dbPath, { readonly: true });
    const classes = Object.fromEntries(
      (db.prepare('select cargo_class as cargo, count(*) as n from shipment_requests group by cargo_class').all() as { cargo: number; n: number }[]).map((r) => [r.cargo, r.n]),
    );
    const tankers = db.prepare("select count(*) as n from vehicles where body_type = 'TANK' and hazmat_certified = 1").get() as { n: number };
    db.close();
    expect(classes[CARGO_CLASS_CODES.HAZMAT]).toBeGreaterThan(0);
    expect(classes[CARGO_CLASS_CODES.LIQUID_BULK]).toBeGreaterThan(0);
    expect(tankers.n).toBeGreaterThan(0);
    const banwolHazmatShare = banwol.profile.cargoMix.HAZMAT!;
    expect(yeosu.profile.cargoMix.HAZMAT!).toBeGreaterThan(banwolHazmatShare);
  }, 30_000);

  it('runs as a process and ends with the JSON line; a bad flag is one line and exit code 2', async () => {
    const out = join(tmp.dir, 'process.svg');
    const { code, output } = await runScript(['scripts/simulate.ts', '--days', '1', '--scale', '0.1', '--seed', '3', '--out', out], {});
    expect(code, output).toBe(0);
    const lines = output.trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ bench: 'simulate', complex: 'BANWOL_SIHWA', days: 1, seed: 3 });
    for (const key of ['savingsPct', 'emptyKmSharePct', 'utilisationPct', 'servedPct', 'requests']) expect(typeof last[key]).toBe('number');
    expect(output).toMatch(/Assumptions/);
    expect(output).toContain(`Chart: ${out}`);
    expect(parseXml(readFileSync(out, 'utf8'))[0]!.name).toBe('svg');

    const bad = await runScript(['scripts/simulate.ts', '--days', '40'], {});
    expect(bad.code).toBe(2);
    expect(bad.output.trim()).toBe('--days: must be a whole number from 1 to 31');

    // --help lists the flags and simulates nothing.
    const help = await runScript(['scripts/simulate.ts', '--help'], {});
    expect(help.code, help.output).toBe(0);
    expect(help.output).toMatch(/^usage: npm run simulate -- \[--complex CODE\]/);
    for (const flag of ['--complex', '--days', '--seed', '--scale', '--out', '--keep-db']) expect(help.output).toContain(`  ${flag} `);
    expect(help.output).not.toContain('Assumptions');
  }, 30_000);

  it('takes numbers only as written in decimal digits: an empty, hexadecimal or exponent value is refused', async () => {
    for (const [flags, line] of [
      [['--seed=', '--days', '1', '--scale', '0.1'], '--seed: must be a whole number from 0 to 2147483647'],
      [['--seed', '0x10', '--days', '1', '--scale', '0.1'], '--seed: must be a whole number from 0 to 2147483647'],
      [['--days', '1e0', '--scale', '0.1'], '--days: must be a whole number from 1 to 31'],
      [['--days', '1', '--scale', '1e-1'], '--scale: must be a number above 0 and at most 3'],
    ] as const) {
      const { code, output } = await runScript(['scripts/simulate.ts', ...flags, '--out', join(tmp.dir, 'digits.svg')], {});
      expect(output.trim(), flags.join(' ')).toBe(line);
      expect(code).toBe(2);
    }
  }, 60_000);

  it('refuses a chart or database path it cannot write before simulating, naming the flag', async () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, '');
    const run = (...flags: string[]) => runScript(['scripts/simulate.ts', '--days', '1', '--scale', '0.1', ...flags], {});
    for (const [flags, line] of [
      [['--out', join(file, 'chart.svg')], `--out: must lie in a folder: ${file} is a file`],
      [['--out', tmp.dir], `--out: must be a file: ${tmp.dir} is a folder`],
      [['--keep-db', join(file, 'sim.db')], `--keep-db: must lie in a folder: ${file} is a file`],
    ] as const) {
      const { code, output } = await run(...flags);
      expect(output.trim(), flags.join(' ')).toBe(line);
      expect(code).toBe(2);
    }
    // Without --out, the chart's default place (in data/ of the folder it runs in) is checked the same way.
    const elsewhere = join(tmp.dir, 'elsewhere');
    const chart = 'data/simulation-BANWOL_SIHWA-42.svg';
    mkdirSync(join(elsewhere, chart), { recursive: true });
    const { code, output } = await runScript([resolve('scripts/simulate.ts'), '--days', '1', '--scale', '0.1'], {}, undefined, elsewhere);
    expect(output.trim()).toBe(`--out: must be a file: ${chart} is a folder`);
    expect(code).toBe(2);
  }, 60_000);
});
