// `npx tsx scripts/cpuProfileTop.ts FILE.cpuprofile [--top 30] [--under NAME]`: where a V8 CPU profile's
// time went (e.g. scripts/warningCpu.ts --cpu-prof): busy time (idle left out), then the functions by
// self time and by inclusive time (a function counted once per sample however deep it recurs), each
// as `name file:line`, in ms and as a share of busy time. `--under NAME` keeps only the samples whose
// stack has a function of that name (e.g. runInContext: the workflow code the SDK calls into);
// `--samples` weighs every sample the same (the mean interval) instead of by the time to the next one,
// which a busy machine stretches wherever the thread happened to be descheduled.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, under: { type: 'string' }, samples: { type: 'boolean', default: false } } });
const file = positionals[0];
if (!file) throw new Error('usage: cpuProfileTop.ts FILE.cpuprofile [--top 30] [--under NAME]');
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode): string => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(?=workflows|contracts|worker|activities|app|db)/, '')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};
const stackOf = (id: number): ProfileNode[] => {
  const out: ProfileNode[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur) as ProfileNode);
  return out;
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let busy = 0;
let idle = 0;
const meanMs = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000 / Math.max(1, profile.samples.length);
for (let i = 0; i < profile.samples.length; i++) {
  const ms = values.samples ? meanMs : (profile.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time is the gap to the next one
  const stack = stackOf(profile.samples[i]);
  if (stack[0].callFrame.functionName === '(idle)') {
    idle += ms;
    continue;
  }
  if (values.under && !stack.some((n) => n.callFrame.functionName === values.under)) continue;
  busy += ms;
  self.set(label(stack[0]), (self.get(label(stack[0])) ?? 0) + ms);
  for (const key of new Set(stack.map(label))) inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
}

const print = (title: string, m: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${k}\n`);
};
process.stdout.write(`${file}: busy ${busy.toFixed(0)} ms${values.under ? ` under ${values.under}` : ''}, idle ${idle.toFixed(0)} ms\n`);
print('self time', self);
print('inclusive time', inclusive);
