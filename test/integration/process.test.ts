import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { gql } from '../helpers/clients';
import { runScript, spawnService } from '../helpers/process';
import { tempDir } from '../helpers/server';

const COUNT = '{ complexes { totalCount edges { node { code } } } }';

describe('the service as a process', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('migrates and seeds an empty database, drains on SIGTERM, and keeps its data across a restart', async () => {
    const dbPath = join(tmp.dir, 'nested', 'folder', 'sandan.db');
    const first = await spawnService({ DATABASE_PATH: dbPath });
    const before = await gql<{ complexes: { totalCount: number } }>(first.url, COUNT);
    expect(before.body.data!.complexes.totalCount).toBe(7);
    expect(first.logs.join('\n')).toMatch(/loaded demo data/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.logs.join('\n')).toMatch(/draining connections[\s\S]*stopped/);

    const organisationsBefore = new Database(dbPath, { readonly: true }).prepare('select count(*) as n from organisations').get() as { n: number };
    const second = await spawnService({ DATABASE_PATH: dbPath });
    try {
      const after = await gql<{ complexes: { totalCount: number } }>(second.url, COUNT);
      expect(after.body.data).toEqual(before.body.data);
      expect(second.logs.join('\n')).not.toMatch(/loaded demo data/);
      const organisationsAfter = new Database(dbPath, { readonly: true }).prepare('select count(*) as n from organisations').get() as { n: number };
      expect(organisationsAfter.n).toBe(organisationsBefore.n);
    } finally {
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
    }
  });

  it('refuses to start on an invalid variable with one line naming it', async () => {
    const { code, output } = await runScript(['src/main.ts'], { PORT: 'eighty', DATABASE_PATH: join(tmp.dir, 'never.db') });
    expect(code).toBe(1);
    expect(output.trim()).toBe('Invalid environment variable PORT: Invalid input: expected number, received NaN');
  });

  it('npm run backup writes a consistent copy of the live database', async () => {
    const dbPath = join(tmp.dir, 'live.db');
    const service = await spawnService({ DATABASE_PATH: dbPath });
    try {
      const target = join(tmp.dir, 'backups', 'copy.db');
      const { code, output } = await runScript(['scripts/backup.ts', target], { DATABASE_PATH: dbPath });
      expect(code, output).toBe(0);
      const copy = new Database(target, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((copy.prepare('select count(*) as n from complexes').get() as { n: number }).n).toBe(7);
      copy.close();
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });

  it('npm run seed --reset rebuilds the database and --scale sets how many organisations', async () => {
    const dbPath = join(tmp.dir, 'seeded.db');
    const small = await runScript(['scripts/seed.ts', '--scale', '1'], { DATABASE_PATH: dbPath });
    expect(small.code, small.output).toBe(0);
    const countOrgs = () => {
      const db = new Database(dbPath, { readonly: true });
      const n = (db.prepare('select count(*) as n from organisations').get() as { n: number }).n;
      db.close();
      return n;
    };
    const smallCount = countOrgs();
    const large = await runScript(['scripts/seed.ts', '--reset', '--scale', '4'], { DATABASE_PATH: dbPath });
    expect(large.code, large.output).toBe(0);
    expect(countOrgs()).toBeGreaterThan(smallCount * 1.5);
    const bad = await runScript(['scripts/seed.ts', '--scale=-1'], { DATABASE_PATH: dbPath });
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--scale must be a positive number/);
  });
});
