// Minimal stand-ins of the warning and rectification processes, for monitoring's tests while theirs
// are not registered: a workflow of that type that keeps what it was sent (the input and every
// signal), answers a query with it, and stays open a while, as a running warning or notice does.
import { fileURLToPath } from 'node:url';
import type { ProcessManifest } from '../../../../contracts/manifest.zod';

const standIn = (name: string, workflow: string): ProcessManifest => ({
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

export const warningStandIn = standIn('standInWarning', 'warning');
export const rectificationStandIn = standIn('standInRectification', 'rectification');
