// Activities of the human-task primitive: the inbox projection and the directory look-ups.
import type { Db } from '../../db';
import type { ProjectionBatch } from '../../contracts/inbox';
import { writeBatch } from './projection';

export interface InboxDeps {
  db: Db;
  publicUrl: string;
}

export function createInboxActivities({ db, publicUrl }: InboxDeps) {
  return {
    /** Idempotent: task rows by version, audit and outbox by key. */
    async projectTasks(batch: ProjectionBatch): Promise<void> {
      await writeBatch(db, batch, publicUrl);
    },
    /** The user's head (单位/部门负责人) for escalation; null when none is on file. */
    async headOf(userId: string): Promise<string | null> {
      const { rows } = await db.query<{ head_id: string | null }>('SELECT head_id FROM users WHERE id = $1', [userId]);
      return rows[0]?.head_id ?? null;
    },
  };
}

export type InboxActivities = ReturnType<typeof createInboxActivities>;
