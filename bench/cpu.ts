// CPU time by part of the system (Linux /proc): a process and every live descendant (tsx runs node as a
// child; PostgreSQL's backends are the postmaster's), plus what its reaped children used. Read before
// and after a phase, it says where a figure's CPU went: worker, API, Temporal, PostgreSQL, bench.
import { readFileSync, readdirSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

interface Stat { ppid: number; own: number; reaped: number }

function stat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / TICK, reaped: (Number(f[13]) + Number(f[14])) / TICK };
  } catch {
    return null; // gone, or not Linux
  }
}

/** CPU seconds of each root's process tree, less the trees of the other roots (undefined roots read 0). */
export function treeCpuSeconds(roots: Record<string, number | undefined>): Record<string, number> {
  const all = new Map<number, Stat>();
  for (const d of readdirSync('/proc')) if (/^\d+$/.test(d)) { const s = stat(Number(d)); if (s) all.set(Number(d), s); }
  const children = new Map<number, number[]>();
  for (const [pid, s] of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out: Record<string, number> = {};
  // a root inside another's tree (the worker is the bench's child) is counted as its own part only
  const rootPids = new Set(Object.values(roots).filter((p): p is number => !!p));
  for (const [name, root] of Object.entries(roots)) {
    let sum = 0;
    const seen = new Set<number>();
    for (const stack = root ? [root] : []; stack.length; ) {
      const pid = stack.pop() as number;
      if (seen.has(pid) || (pid !== root && rootPids.has(pid))) continue;
      seen.add(pid);
      const s = all.get(pid);
      if (!s) continue;
      sum += s.own + (pid === root ? s.reaped : 0);
      stack.push(...(children.get(pid) ?? []));
    }
    out[name] = sum;
  }
  return out;
}

/** The postmaster's pid of a data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds per part between two readings. */
export const cpuDelta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));
