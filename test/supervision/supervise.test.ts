// The supervisor `npm start` keeps its parts running with, on real child processes: a part that
// dies is started again after a pause; one that keeps dying is given up on with a message (and
// `npm start` then stops everything, exit code 1 — see npmStart.faults.ts for the whole system).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { supervise, type ExitInfo, type PartInstance } from '../../scripts/supervise';

/** A real process running `code`; stop() is SIGTERM. */
function nodeProcess(code: string): PartInstance {
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  const exited = new Promise<ExitInfo>((resolve) => child.once('exit', (c, signal) => resolve({ code: c, signal })));
  return {
    pid: child.pid,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('supervising a part of npm start', () => {
  it('starts a part that was killed again after a pause, and stop() ends it for good', async () => {
    const lines: string[] = [];
    const instances: PartInstance[] = [];
    const part = await supervise({
      name: 'finance stand-in',
      baseDelayMs: 50,
      log: { info: (m) => lines.push(m), error: (m) => lines.push(m) },
      onGiveUp: (m) => lines.push(`gave up: ${m}`),
      start: async () => {
        const p = nodeProcess('setInterval(() => {}, 1000)');
        instances.push(p);
        return p;
      },
    });
    const first = instances[0];
    process.kill(first.pid!, 'SIGKILL');
    await expect.poll(() => instances.length, { timeout: 5_000 }).toBe(2);
    await expect.poll(() => part.current()?.pid, { timeout: 5_000 }).toBe(instances[1].pid);
    expect(lines).toContain('finance stand-in killed by SIGKILL; restarting it in 0.05 s (restart 1 of at most 5)');
    expect(lines).toContain(`finance stand-in restarted (pid ${instances[1].pid})`);

    await part.stop();
    expect(alive(instances[1].pid!)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(instances).toHaveLength(2); // a part we stopped is not restarted
    expect(lines.some((l) => l.startsWith('gave up'))).toBe(false);
  });

  it('gives up on a part that keeps dying, after a bounded number of restarts with growing pauses', async () => {
    const lines: string[] = [];
    let starts = 0;
    const gaveUp = new Promise<string>((resolve) => {
      void supervise({
        name: 'Temporal dev server',
        baseDelayMs: 40,
        maxRestarts: 3,
        log: { info: (m) => lines.push(m), error: (m) => lines.push(m) },
        onGiveUp: resolve,
        start: async () => {
          starts++;
          return nodeProcess('setTimeout(() => process.exit(3), 30)');
        },
      });
    });
    const message = await gaveUp;
    expect(message).toBe('Temporal dev server keeps failing (3 restarts within 10 min; last: Temporal dev server exit code 3); giving up');
    expect(starts).toBe(4); // the first start and 3 restarts
    expect(lines.filter((l) => l.includes('restarting it in'))).toEqual([
      'Temporal dev server exit code 3; restarting it in 0.04 s (restart 1 of at most 3)',
      'Temporal dev server exit code 3; restarting it in 0.08 s (restart 2 of at most 3)',
      'Temporal dev server exit code 3; restarting it in 0.16 s (restart 3 of at most 3)',
    ]);
  });

  it('counts a restart that fails to start (its port taken meanwhile) and tries again', async () => {
    const lines: string[] = [];
    let starts = 0;
    const part = await supervise({
      name: 'Temporal dev server',
      baseDelayMs: 30,
      log: { info: (m) => lines.push(m), error: (m) => lines.push(m) },
      onGiveUp: (m) => lines.push(`gave up: ${m}`),
      start: async () => {
        starts++;
        if (starts === 1) return nodeProcess('process.exit(1)');
        if (starts === 2) throw new Error('port 7233 is in use: another Temporal?');
        return nodeProcess('setInterval(() => {}, 1000)');
      },
    });
    await expect.poll(() => starts, { timeout: 5_000 }).toBe(3);
    await expect.poll(() => part.current(), { timeout: 5_000 }).toBeDefined();
    expect(lines).toContain('Temporal dev server did not start again: port 7233 is in use: another Temporal?; restarting it in 0.06 s (restart 2 of at most 5)');
    await part.stop();
  });
});
