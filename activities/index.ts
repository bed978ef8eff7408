// Builds every activity from its dependencies; the worker registers the result.
import type { Db } from '../db';
import type { FinanceClient } from '../contracts/finance/finance.zod';
import type { Faults } from '../app/faults';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { RegionProfile } from '../contracts/region.zod';
import { createFinanceActivities } from './finance';
import { createInboxActivities } from './inbox';

export interface ActivityDeps {
  db: Db;
  publicUrl: string;
  finance: FinanceClient;
  faults?: Faults;
  log?: Pick<Logger, 'error'>;
  /** For a process that starts or signals another's workflow (signalWithStart by the target's contract). */
  temporal?: Client;
  taskQueue?: string;
  /** The region profile, for a process's start-up hook (e.g. monitoring's round Schedules); workflows get their part as input. */
  region?: RegionProfile;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createInboxActivities(deps),
    ...createFinanceActivities(deps.finance),
  };
}
export type Activities = ReturnType<typeof createActivities>;
