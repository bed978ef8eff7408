// Activities of the human-task primitive: the inbox projection and the directory look-ups.
import type { Logger } from 'pino';
import type { Db } from '../../db';
import type { ProjectionBatch } from '../../contracts/humanTask/inbox';
import type { Faults } from '../../app/faults';
import { writeBatch, type ProjectionFailure } from '../../db/inbox/batch';
import { recordWriters } from '../../app/processRecords';

export interface InboxDeps {
  db: Db;
  publicUrl: string;
  faults?: Faults;
  log?: Pick<Logger, 'error'>;
}

export function createInboxActivities({ db, publicUrl, faults, log }: InboxDeps) {
  return {
    /**
     * Idempotent: task rows by version, audit and outbox by key. Items refused for good are
     * recorded and returned (an alert in the log), never retried for ever.
     */
    async projectTasks(batch: ProjectionBatch): Promise<ProjectionFailure[]> {
      const failures = await writeBatch(db, batch, publicUrl, await recordWriters());
      for (const f of failures) (log ?? console).error({ ...f }, 'projection write refused for good; recorded in projection_failures');
      faults?.hit('projection.written', { tasks: batch.tasks.length });
      return failures;
    },
    /** The user's head (单位/部门负责人) for escalation; null when none is on file. */
    async headOf(userId: string): Promise<string | null> {
      const { rows } = await db.query<{ head_id: string | null }>('SELECT head_id FROM users WHERE id = $1', [userId]);
      return rows[0]?.head_id ?? null;
    },
  };
}

export type InboxActivities = ReturnType<typeof createInboxActivities>;
