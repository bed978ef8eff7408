// Loading the province set (30,000 projects) into the stand-in's store, and reading a round from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../../finance/load';
import { timeProgress } from '../../finance/schedule';
import { startStandIn, YEAR, type StandIn } from './standIn';

let s: StandIn;
let loadMs = 0;
beforeAll(async () => {
  const t0 = performance.now();
  s = await startStandIn({ scale: 'province', seed: 42 });
  loadMs = performance.now() - t0;
  console.info(`finance stand-in with the province set ready in ${Math.round(loadMs)} ms (open, migrate, generate, load)`);
}, 120_000);
afterAll(async () => s?.stop());

describe('the province set', () => {
  it('loads 30,000 projects in under a minute', async () => {
    expect(loadMs).toBeLessThan(60_000);
    const n = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM projects');
    expect(n.rows[0].n).toBe(30_000);
  });

  it('is not reseeded when the store already holds data', async () => {
    expect(await seedIfEmpty(s.db, { scale: 'demo' })).toBeNull();
  });

  it('a round’s laggards come out page-wise, about 5% of the province', async () => {
    const asOf = `${YEAR}-04-30`;
    // More than 20 points behind time progress.
    const maxRateBp = Math.ceil(timeProgress(YEAR, '04-30') * 10000) - 2001;
    const t0 = performance.now();
    let cursor: string | undefined;
    let laggards = 0;
    let pages = 0;
    do {
      const page = await s.client.listExecution({ year: YEAR, asOf, maxRateBp, cursor, limit: 500 });
      laggards += page.items.length;
      pages++;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    console.info(`${laggards} laggards in ${pages} pages, ${Math.round(performance.now() - t0)} ms`);
    expect(laggards / 30_000).toBeGreaterThan(0.04);
    expect(laggards / 30_000).toBeLessThan(0.06);
  });
});
