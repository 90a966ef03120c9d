/**
 * npm run simulate -- [--complex BANWOL_SIHWA] [--days 7] [--seed 42] [--scale 1] [--out file.svg] [--keep-db file.db]
 *
 * Runs the real service in-process on a simulated clock for a complex's week of logistics (scripts/simulation), prints
 * the KPIs against the no-sharing baseline with every assumption, writes a chart, and ends with one JSON line.
 * Exit code 2 for a bad flag; 0 otherwise, also when a target is missed (the report says so).
 */
import './own-database';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { makeFolder } from '../db/folders';
import { PROGRAMME_COMPLEXES } from '../src/complexes/programme';
import { counted } from '../src/english';
import { pathIssue, unwritableIssue } from '../src/env';
import { checkFlags, DECIMAL, helpIfAsked, numberFlag, parseFlags, WHOLE } from './cli';
import { renderChart } from './simulation/chart';
import { formatReport, progressReporter, summaryOf } from './simulation/report';
import { runSimulation } from './simulation/run-simulation';

const CODES = PROGRAMME_COMPLEXES.map((c) => c.code) as [string, ...string[]];

helpIfAsked(
  [
    'usage: npm run simulate -- [--complex CODE] [--days N] [--seed N] [--scale X] [--out FILE.svg] [--keep-db FILE.db]',
    `  --complex  the complex to simulate, one of ${CODES.join(', ')} (default BANWOL_SIHWA)`,
    '  --days     simulated days from Monday 2026-03-02 06:00 KST, 1 to 31 (default 7)',
    '  --seed     0 to 2147483647 (default 42): the same seed gives the same run, figure for figure',
    '  --scale    volumes relative to the complex\'s profile, above 0 and at most 3 (default 1)',
    '  --out      where to write the SVG chart (default data/simulation-<complex>-<seed>.svg)',
    '  --keep-db  keep the simulated SQLite database at this path (a file that does not exist yet)',
    'Prints the KPIs against the no-sharing baseline and every assumption, then one JSON line. Exit code 2 for a bad flag.',
  ].join('\n'),
);

/**
 * A file the run will write, checked before it starts: the chart is written after the whole run (minutes for a week)
 * and a database that cannot be opened would stop it with the service's setting's name, not the flag's.
 */
const writableFile = z
  .string()
  .min(1, 'must be a file path')
  .superRefine((path, ctx) => {
    const issue = pathIssue(path, 'file') ?? unwritableIssue(dirname(path));
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  });

const Args = z.object({
  complex: z.enum(CODES, `must be one of ${CODES.join(', ')}`),
  days: numberFlag(WHOLE, (n) => n >= 1 && n <= 31, 'must be a whole number from 1 to 31'),
  seed: numberFlag(WHOLE, (n) => n <= 2_147_483_647, 'must be a whole number from 0 to 2147483647'),
  scale: numberFlag(DECIMAL, (n) => n > 0 && n <= 3, 'must be a number above 0 and at most 3'),
  out: writableFile.optional(),
  'keep-db': writableFile.refine((path) => !existsSync(path), 'must name a file that does not exist yet').optional(),
});

const args = checkFlags(
  Args,
  parseFlags({
    options: {
      complex: { type: 'string', default: 'BANWOL_SIHWA' },
      days: { type: 'string', default: '7' },
      seed: { type: 'string', default: '42' },
      scale: { type: 'string', default: '1' },
      out: { type: 'string' },
      'keep-db': { type: 'string' },
    },
  }).values,
);

// The chart's default place is checked as --out is, before the run: a week's run must not end unable to write it.
const chartPath = args.out ?? checkFlags(z.object({ out: writableFile }), { out: `data/simulation-${args.complex}-${args.seed}.svg` }).out;

const progress = progressReporter(process.stderr);
const result = await runSimulation({
  complexCode: args.complex,
  days: args.days,
  seed: args.seed,
  scale: args.scale,
  keepDbPath: args['keep-db'],
  onProgress: progress.onProgress,
});
progress.done();

makeFolder(dirname(chartPath));
writeFileSync(chartPath, renderChart(`${result.complex.nameEn}: ${counted(args.days, 'simulated day')}, seed ${args.seed}`, result.insights.days));
console.log(formatReport(result, chartPath));
console.log(JSON.stringify(summaryOf(result)));
