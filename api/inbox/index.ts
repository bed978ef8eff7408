// The inbox API: reading (list, counts, task types, detail), moves (Updates, bulk) and files
// (comments, attachments), over the read model of db/inbox/.
import { TASKS } from '../../contracts/registry.zod';
import type { User } from '../auth';
import type { Api } from '../http';
import { fileRoutes } from './files';
import { moveRoutes } from './moves';
import { readRoutes } from './read';
import type { InboxRouteDeps } from './task';

export type { InboxRouteDeps };

export function inboxRoutes(api: Api<User>, { db, temporal, catalog = TASKS, publicUrl }: InboxRouteDeps): void {
  readRoutes(api, { db, catalog });
  moveRoutes(api, { db, temporal, catalog, publicUrl });
  fileRoutes(api, { db });
}
