// The registry (contracts/registry.zod.ts) holds every process to its parts: a registered process
// that lacks its workflow functions (or exports one its manifest does not list), its task types and
// who may hold them, its routes, up-to-date generated schemas, its web module's words in both
// languages, its manifest's labels in both languages, or a recorded history of each workflow type
// fails here, naming the process and the part. Fabricated processes (the toy of test/fixtures/toy/
// with one part taken away) show that each check bites.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROCESSES } from '../contracts/registry.zod';
import type { ProcessManifest } from '../contracts/manifest.zod';
import { TaskHoldersDef } from '../contracts/humanTask/holders.zod';
import { processFile, REPO_ROOT, type Layer } from '../app/processPaths';
import { DEMO_USERS } from '../app/seed';
import { staleSchemaFiles } from '../scripts/genSchemas';
import { toy } from './fixtures/toy/contracts/toy/manifest.zod';

type Part = 'workflows' | 'task types' | 'routes' | 'schemas' | 'web' | 'labels' | 'histories';

const DIRECTORY_ROLES = new Set(DEMO_USERS.flatMap((u) => u.roles));
const where = (p: ProcessManifest, layer: Layer) => relative(p.root ?? REPO_ROOT, processFile(p, layer));
// by its real path: a fabricated root below links to the toy's modules, whose imports are relative to theirs
const load = async (file: string) => (await import(pathToFileURL(realpathSync(file)).href)) as Record<string, unknown>;

/** A {zh, en} text lacking a language, as the words naming it; null when both are there. */
function lacks(label: unknown): string | null {
  const l = label as { zh?: unknown; en?: unknown } | null | undefined;
  const missing = (['zh', 'en'] as const).filter((k) => typeof l?.[k] !== 'string' || !(l[k] as string).trim());
  return missing.length ? `lacks ${missing.join(' and ')}` : null;
}

/** The problems of one process, each as "<process>: <part>: what is wrong" (none: it has every part). */
async function problemsOf(p: ProcessManifest): Promise<string[]> {
  const out: string[] = [];
  const bad = (part: Part, what: string) => out.push(`${p.name}: ${part}: ${what}`);

  // workflows/<name>/index.ts exports each workflow type of the manifest
  const wf = processFile(p, 'workflows');
  if (!existsSync(wf)) bad('workflows', `${where(p, 'workflows')} is missing`);
  else {
    const mod = await load(wf);
    if (!p.workflows.length) bad('workflows', 'the manifest names no workflow type');
    for (const name of p.workflows) if (typeof mod[name] !== 'function') bad('workflows', `${where(p, 'workflows')} exports no workflow function ${name}`);
    // and the other way: the worker's bundle has a process's workflow types from its manifest alone (worker/processes.ts)
    for (const [name, fn] of Object.entries(mod)) if (typeof fn === 'function' && !p.workflows.includes(name)) bad('workflows', `${where(p, 'workflows')} exports workflow function ${name}, which the manifest does not list`);
  }

  // task types, each with holders whose roles the directory has
  if (!p.taskTypes.length) bad('task types', 'the manifest declares no task type');
  for (const t of p.taskTypes) {
    const holders = TaskHoldersDef.safeParse(t.holders);
    if (!holders.success) {
      bad('task types', `${t.def.type} has no valid holders (${holders.error.issues.map((i) => i.path.join('.')).join(', ')})`);
      continue;
    }
    for (const h of holders.data.holders) {
      for (const role of [...h.roles, ...h.leads]) if (!DIRECTORY_ROLES.has(role)) bad('task types', `${t.def.type} is held by role ${role}, which no one in the directory (app/seed.ts) has`);
    }
  }

  // api/<name>/routes.ts exports routes(api, deps)
  const rt = processFile(p, 'routes');
  if (!existsSync(rt)) bad('routes', `${where(p, 'routes')} is missing`);
  else if (typeof (await load(rt)).routes !== 'function') bad('routes', `${where(p, 'routes')} exports no routes(api, deps)`);

  // contracts/<name>/schemas.generated.ts is what its zod contract generates
  // (where its folder really is: the file's imports are relative to that)
  const schemasDir = dirname(processFile(p, 'schemas'));
  const checked = { ...p, root: existsSync(schemasDir) ? join(realpathSync(schemasDir), '..', '..') : p.root };
  if (staleSchemaFiles([checked]).includes(relative(REPO_ROOT, processFile(checked, 'schemas')))) bad('schemas', `${where(p, 'schemas')} is missing or stale: run npm run gen:schemas`);

  // api/web/<name>/index.js: its words in both languages
  const web = processFile(p, 'web');
  if (!existsSync(web)) bad('web', `${where(p, 'web')} is missing`);
  else {
    const mod = await load(web);
    const texts: Array<[string, unknown]> = [];
    for (const [k, v] of Object.entries((mod.strings ?? {}) as Record<string, unknown>)) texts.push([`strings.${k}`, v]);
    for (const [vocab, table] of Object.entries((mod.vocab ?? {}) as Record<string, Record<string, unknown>>)) for (const [k, v] of Object.entries(table)) texts.push([`vocab.${vocab}.${k}`, v]);
    const start = mod.start as { label?: unknown } | undefined;
    if (start) texts.push(['start.label', start.label]);
    if (!texts.length) bad('web', `${where(p, 'web')} exports no strings, vocab or start page`);
    for (const [k, v] of texts) {
      const l = lacks(v);
      if (l) bad('web', `${where(p, 'web')} ${k} ${l}`);
    }
  }

  // the manifest's own labels: the process, its stages and conclusions, its task types and outcomes
  const labels: Array<[string, unknown]> = [['label', p.label]];
  if (!Object.keys(p.stages).length) bad('labels', 'the manifest names no stage');
  if (!Object.keys(p.conclusions).length) bad('labels', 'the manifest names no conclusion');
  for (const [k, v] of Object.entries(p.stages)) labels.push([`stages.${k}`, v]);
  for (const [k, v] of Object.entries(p.conclusions)) labels.push([`conclusions.${k}`, v]);
  for (const t of p.taskTypes) {
    labels.push([`${t.def.type}`, t.def.label]);
    for (const [k, o] of Object.entries(t.def.outcomes)) labels.push([`${t.def.type}.${k}`, o.label]);
  }
  for (const [k, v] of labels) {
    const l = lacks(v);
    if (l) bad('labels', `${k} ${l}`);
  }

  // test/replay/histories/<workflowType>-*.json: a recorded history of each workflow type
  const dir = join(p.root ?? REPO_ROOT, 'test', 'replay', 'histories');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const name of p.workflows) {
    const recorded = files.filter((f) => f.startsWith(`${name}-`)).filter((f) => {
      const h = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { events?: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> };
      return h.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === name;
    });
    if (!recorded.length) bad('histories', `no recorded history of workflow ${name} in ${relative(p.root ?? REPO_ROOT, dir)}/${name}-*.json`);
  }
  return out;
}

describe('every registered process has every part', () => {
  it.each([...PROCESSES, toy].map((p) => [p.name, p] as const))('%s', async (_name, p) => {
    expect(await problemsOf(p)).toEqual([]);
  });
});

describe('a process lacking a part fails, naming the process and the part', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  /** The toy's modules under a fresh root, linked to its own, without the given ones (paths under the root). */
  function toyRootWithout(...missing: string[]): string {
    const root = mkdtempSync(join(tmpdir(), 'jixiao-registry-'));
    roots.push(root);
    for (const part of ['contracts', 'workflows', 'api/toy', 'api/web', 'test']) {
      if (missing.includes(part)) continue;
      mkdirSync(join(root, part, '..'), { recursive: true });
      symlinkSync(join(toy.root, part), join(root, part), 'dir');
    }
    return root;
  }
  const expectOnly = async (p: ProcessManifest, part: Part, what: RegExp) => {
    const problems = await problemsOf(p);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^toy: ${part}: ${what.source}`));
  };

  it('the linked copy of the toy has every part (so each case below lacks only its own)', async () => {
    expect(await problemsOf({ ...toy, root: toyRootWithout() })).toEqual([]);
  });

  it('without its generated schemas', async () => {
    await expectOnly({ ...toy, root: toyRootWithout('contracts') }, 'schemas', /contracts\/toy\/schemas\.generated\.ts is missing or stale/);
  });

  it('without its workflow module', async () => {
    await expectOnly({ ...toy, root: toyRootWithout('workflows') }, 'workflows', /workflows\/toy\/index\.ts is missing/);
  });

  it('with a workflow type its workflow module does not export', async () => {
    // (a workflow type of its own has no recorded history either)
    expect(await problemsOf({ ...toy, workflows: ['toy', 'toyReminder'] })).toEqual([
      'toy: workflows: workflows/toy/index.ts exports no workflow function toyReminder',
      'toy: histories: no recorded history of workflow toyReminder in test/replay/histories/toyReminder-*.json',
    ]);
  });

  it('with a workflow function its manifest does not list (the worker would not know the type)', async () => {
    const root = toyRootWithout('workflows');
    mkdirSync(join(root, 'workflows', 'toy'), { recursive: true });
    writeFileSync(join(root, 'workflows', 'toy', 'index.ts'), `export * from ${JSON.stringify(processFile(toy, 'workflows'))};\nexport async function toyReminder(): Promise<void> {}\n`);
    await expectOnly({ ...toy, root }, 'workflows', /workflows\/toy\/index\.ts exports workflow function toyReminder, which the manifest does not list/);
  });

  it('without task types', async () => {
    // (its generated schemas, which list its task types, are stale then too)
    expect(await problemsOf({ ...toy, taskTypes: [] })).toEqual(['toy: task types: the manifest declares no task type', 'toy: schemas: contracts/toy/schemas.generated.ts is missing or stale: run npm run gen:schemas']);
  });

  it('with a task type held by a role no one in the directory has', async () => {
    const [t] = toy.taskTypes;
    const holders = { ...t.holders, holders: [{ roles: ['toy_approver'], scope: 'department' as const, leads: ['competent_head'] }] };
    await expectOnly({ ...toy, taskTypes: [{ ...t, holders }] }, 'task types', /toy\.approve is held by role toy_approver/);
  });

  it('without its routes', async () => {
    await expectOnly({ ...toy, root: toyRootWithout('api/toy') }, 'routes', /api\/toy\/routes\.ts is missing/);
  });

  it('with generated schemas older than its contract', async () => {
    const [t] = toy.taskTypes;
    const changed = { ...t, def: { ...t.def, label: { zh: '玩具审批（新）', en: 'Toy approval (new)' } } };
    await expectOnly({ ...toy, taskTypes: [changed] }, 'schemas', /contracts\/toy\/schemas\.generated\.ts is missing or stale/);
  });

  it('without its web module', async () => {
    const root = toyRootWithout('api/web');
    await expectOnly({ ...toy, root }, 'web', /api\/web\/toy\/index\.js is missing/);
  });

  it('with a web string that has no English', async () => {
    const root = toyRootWithout('api/web');
    mkdirSync(join(root, 'api', 'web', 'toy'), { recursive: true });
    writeFileSync(join(root, 'api', 'web', 'toy', 'index.js'), `export const strings = { toy_start: { zh: '发起玩具审批', en: '' } };\n`);
    await expectOnly({ ...toy, root }, 'web', /api\/web\/toy\/index\.js strings\.toy_start lacks en/);
  });

  it('with a stage labelled in Chinese only', async () => {
    await expectOnly({ ...toy, stages: { ...toy.stages, asking: { zh: '审批中' } as never } }, 'labels', /stages\.asking lacks en/);
  });

  it('with a conclusion labelled in English only', async () => {
    await expectOnly({ ...toy, conclusions: { ...toy.conclusions, reject: { zh: ' ', en: 'Rejected' } } }, 'labels', /conclusions\.reject lacks zh/);
  });

  it('without a recorded history of its workflow type', async () => {
    await expectOnly({ ...toy, root: toyRootWithout('test') }, 'histories', /no recorded history of workflow toy/);
  });
});
