// Builds every activity from its dependencies; the worker registers the result.
import type { Db } from '../db';
import { createInboxActivities } from './inbox';

export interface ActivityDeps {
  db: Db;
  publicUrl: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createInboxActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
