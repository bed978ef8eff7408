// Process records ride the board's projection: written in its transaction by the writer the process
// registered for their kind (db/<process>/records.ts); a kind nobody registered is kept as a failure
// and the rest of the batch lands; a late copy (the backstop's) never regresses a row.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { openProductDb } from '../../app/deps';
import { recordWriters } from '../../app/processRecords';
import { writeBatch } from '../../db/inbox/batch';
import type { Db } from '../../db';
import { MONITORING_RESULT_RECORD } from '../../contracts/monitoring/names';
import type { ProjectResult } from '../../contracts/monitoring/round.zod';

const result = (stage: ProjectResult['stage'], version: number): ProjectResult => ({
  round: 'monitoring:2026:07-31:records', projectId: 'P-REC-1', projectName: '记录测试项目', deptId: 'D01', unitId: 'U0101', transferId: null,
  batchId: 'monitoring:2026:07-31:records:D01:0', stage, overdue: false, availableFen: 100_000_00, paidFen: 50_000_00, executionRateBp: 5000,
  timeProgressBp: 5800, form: null, hits: [], responseRef: null, version,
});

describe('process records in the projection', () => {
  let db: Db;
  beforeAll(async () => {
    const config = loadConfig({ LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv);
    db = await openProductDb({ ...config, db: { url: '', dataDir: '' } }, pino({ level: 'warn' }));
  }, 60_000);
  afterAll(async () => db?.close());

  it('a monitoring result is written with the batch by monitoring\'s writer; an unregistered kind is kept as a failure', async () => {
    const writers = await recordWriters();
    expect(Object.keys(writers)).toContain(MONITORING_RESULT_RECORD);
    const failures = await writeBatch(db, { tasks: [], audit: [], mail: [], records: { [MONITORING_RESULT_RECORD]: [result('review', 2)], 'nobody.kind': [{ x: 1 }] } }, 'http://inbox.test', writers);
    expect(failures.map((f) => [f.kind, f.error])).toEqual([['record', 'no writer for process records of kind nobody.kind']]);
    const rows = (await db.query<{ stage: string }>(`SELECT stage FROM monitoring_results WHERE round = $1 AND project_id = 'P-REC-1'`, ['monitoring:2026:07-31:records'])).rows;
    expect(rows).toEqual([{ stage: 'review' }]);
    const kept = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM projection_failures WHERE kind = 'record'`)).rows[0].n;
    expect(kept).toBe(1);
  });

  it('an older copy of a result (the backstop writing what an answer carried) does not regress it', async () => {
    const writers = await recordWriters();
    await writeBatch(db, { tasks: [], audit: [], mail: [], records: { [MONITORING_RESULT_RECORD]: [result('approved', 5)] } }, 'http://inbox.test', writers);
    await writeBatch(db, { tasks: [], audit: [], mail: [], records: { [MONITORING_RESULT_RECORD]: [result('form', 3)] } }, 'http://inbox.test', writers);
    const rows = (await db.query<{ stage: string }>(`SELECT stage FROM monitoring_results WHERE round = $1 AND project_id = 'P-REC-1'`, ['monitoring:2026:07-31:records'])).rows;
    expect(rows).toEqual([{ stage: 'approved' }]);
  });
});
