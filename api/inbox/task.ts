// What the inbox routes share: the task id parameter, the reader a user is, a task by id.
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { TaskCatalog } from '../../contracts/registry.zod';
import type { Db } from '../../db';
import { taskById, type InboxReader, type TaskRow } from '../../db/inbox/tasks';
import { scopeSql, type User } from '../auth';
import { HttpError } from '../http';
import type { Logger } from 'pino';
import type { QueueOptions } from './kit';

export const IdParam = z.object({ id: z.string().min(1).max(300) });

/** A user as a reader of the inbox: they see the rows of their scope (api/auth.ts). */
export const readerOf = (u: User): InboxReader => ({ id: u.id, groups: u.groups, scope: (params) => scopeSql(u, params) });

/** The task's row if the user may see it; 404 otherwise. */
export async function loadTask(db: Db, u: User, id: string): Promise<TaskRow> {
  const row = await taskById(db, readerOf(u), id);
  if (!row) throw new HttpError(404, 'NOT_FOUND', `task ${id} not found`, 'id');
  return row;
}

export interface InboxRouteDeps {
  db: Db;
  temporal: Client;
  /** The task types it knows (default: the registry's). */
  catalog?: TaskCatalog;
  /** For the links in mails the API writes from an answer's projection. */
  publicUrl: string;
  /** Where the decision queue's dispatcher says what it could not deliver. */
  log?: Pick<Logger, 'warn' | 'info'>;
  queueOptions?: QueueOptions;
}
