// Keeping a server we start from outliving us: a kill on our exit, and a guard process that kills
// it even when we die by SIGKILL. Used for the dev server of npm start (devServer.ts) and for the
// test run's server, which @temporalio/testing starts but leaves behind on a SIGKILL.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Processes started here, killed synchronously if this process exits without stopping them. */
export const children = new Set<ChildProcess>();
let exitHookInstalled = false;
export function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of children) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/**
 * A guard that kills `pid` when this process dies, even by SIGKILL: it blocks reading a pipe from
 * us, and the kernel closes that pipe when we die. It is a single `sh`; stop() kills it first.
 * Like the server it runs in a process group of its own, so a Ctrl-C in the terminal reaches
 * neither: we stop the server ourselves, last, after the worker has drained.
 */
export function spawnGuard(pid: number): ChildProcess | undefined {
  try {
    const guard = spawn(
      'sh',
      [
        '-c',
        'read _ignored; kill -TERM "$0" 2>/dev/null || exit 0; i=0; ' +
          'while kill -0 "$0" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL "$0" 2>/dev/null; exit 0',
        String(pid),
      ],
      { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
    );
    guard.on('error', () => undefined);
    guard.stdin?.on('error', () => undefined);
    // Neither the guard nor its pipe should keep our event loop alive.
    guard.unref();
    (guard.stdin as unknown as { unref?: () => void })?.unref?.();
    children.add(guard);
    guard.on('exit', () => children.delete(guard));
    return guard;
  } catch {
    return undefined;
  }
}

/**
 * The pid of a child of this process whose command line has each of `parts` (words, or runs of
 * words such as `--port 7233`), or undefined: for a server that the SDK's native runtime started,
 * which does not tell us its pid.
 */
export async function findChildPid(parts: string[]): Promise<number | undefined> {
  let table: string;
  try {
    table = (await execFileAsync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'args='], { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch {
    return undefined;
  }
  for (const line of table.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m || Number(m[2]) !== process.pid) continue;
    const args = ` ${m[3]} `;
    if (parts.every((p) => args.includes(` ${p} `))) return Number(m[1]);
  }
  return undefined;
}
