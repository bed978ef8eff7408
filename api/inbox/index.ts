// The inbox API: reading (list, counts, task types, detail), moves (Updates, bulk) and files
// (comments, attachments), over the read model of db/inbox/.
import { TASKS } from '../../contracts/registry.zod';
import type { User } from '../auth';
import type { Api } from '../http';
import { fileRoutes } from './files';
import { moveRoutes } from './moves';
import { readRoutes } from './read';
import type { InboxRouteDeps } from './task';
import { decisionQueue, queuedRoutes } from './queued';
import type { DecisionQueue } from './kit';
import { writeBatch } from '../../db/inbox/batch';
import { recordWriters } from '../../app/processRecords';
import type { ProjectionBatch } from '../../contracts/humanTask/inbox';

export type { InboxRouteDeps, DecisionQueue };

/** The inbox's routes; the queue of decisions they keep (start it to carry decisions queued before a restart). */
export function inboxRoutes(api: Api<User>, { db, temporal, catalog = TASKS, publicUrl, log, queueOptions }: InboxRouteDeps): DecisionQueue {
  // Update results are committed: what they carry for the inbox (task rows, audit, mail) is written at
  // once (read your writes); the board's projection activity writes the same again later, as a backstop
  const writeCommitted = async (batch: ProjectionBatch): Promise<void> => void (await writeBatch(db, batch, publicUrl, await recordWriters()));
  const queue = decisionQueue({ db, temporal, log: log ?? { warn: () => undefined, info: () => undefined }, writeCommitted, options: queueOptions });
  readRoutes(api, { db, catalog });
  const kit = moveRoutes(api, { db, temporal, catalog, writeCommitted, decisions: queue });
  queuedRoutes(api, { db, catalog, kit, queue });
  fileRoutes(api, { db });
  return queue;
}
