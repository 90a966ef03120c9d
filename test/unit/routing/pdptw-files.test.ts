/**
 * The benchmark's reader and independent checker (scripts/pdptw) on the shared instance files: every best-known
 * solution passes and costs what its file name says; broken solutions are refused. The data lives beside the
 * repository (../shared/data/pdptw, or PDPTW_DIR); without it there is nothing to read and the suite is skipped.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../../scripts/pdptw/check';
import { listInstances, readBestKnown, readInstance } from '../../../scripts/pdptw/files';

const root = resolve(process.env.PDPTW_DIR ?? '../shared/data/pdptw');

describe.skipIf(!existsSync(root))('PDPTW benchmark files', () => {
  for (const set of ['li-lim-100', 'sartori-buriol-100'])
    it(`accepts every best-known solution of ${set} at its stated cost`, () => {
      const dir = join(root, set);
      const files = listInstances(dir);
      expect(files.length).toBeGreaterThan(20);
      for (const file of files) {
        const instance = readInstance(file);
        const bks = readBestKnown(dir, instance.name)!;
        const check = checkSolution(instance, bks.routes);
        expect(check.errors, instance.name).toEqual([]);
        expect(check.vehicles).toBe(bks.vehicles);
        expect(Math.abs(check.cost - bks.roundedCost), instance.name).toBeLessThanOrEqual(1);
      }
    });

  it('refuses a missing stop, a delivery before its pickup, a late arrival and an overload', () => {
    const dir = join(root, 'li-lim-100');
    const instance = readInstance(join(dir, 'lc101.txt'));
    const bks = readBestKnown(dir, 'lc101')!;
    const routes = () => bks.routes.map((r) => [...r]);

    const missing = routes();
    missing[0]!.pop();
    expect(checkSolution(instance, missing).errors.join()).toMatch(/not visited/);

    const reversed = routes();
    const route = reversed[0]!;
    const pickupAt = route.findIndex((id) => instance.nodes[id]!.delivery > 0);
    const deliveryAt = route.indexOf(instance.nodes[route[pickupAt]!]!.delivery);
    [route[pickupAt], route[deliveryAt]] = [route[deliveryAt]!, route[pickupAt]!];
    expect(checkSolution(instance, reversed).feasible).toBe(false);

    const late = routes();
    late[0]!.reverse();
    expect(checkSolution(instance, late).errors.join()).toMatch(/served at .* after|delivered before its pickup/);

    const merged = routes();
    const all = merged.flat();
    expect(checkSolution(instance, [all]).errors.join()).toMatch(/load .* out of|after/);
  });
});
