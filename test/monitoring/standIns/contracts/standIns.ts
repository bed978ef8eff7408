// Minimal stand-ins of the warning and rectification processes, for monitoring's tests while theirs
// are not registered: a workflow of that type that keeps what it was sent (the input and every
// signal), answers a query with it, and stays open a while, as a running warning or notice does.
import { fileURLToPath } from 'node:url';
import type { ProcessManifest } from '../../../../contracts/manifest.zod';
import { WARNING_TASK_QUEUE } from '../../../../contracts/warning/names';

const standIn = (name: string, workflow: string, ownTaskQueue?: string): ProcessManifest => ({
  ...(ownTaskQueue ? { ownTaskQueue } : {}),
  name,
  label: { zh: '监控测试替身', en: 'Monitoring test stand-in' },
  workflows: [workflow],
  taskTypes: [],
  schemas: {},
  searchAttributes: {},
  profile: [],
  startedBy: ['process'],
  stages: {},
  conclusions: {},
  root: fileURLToPath(new URL('../', import.meta.url)),
});

export const warningStandIn = standIn('standInWarning', 'warning', WARNING_TASK_QUEUE); // polled where the real one is
export const rectificationStandIn = standIn('standInRectification', 'rectification');
