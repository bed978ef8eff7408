// Fault points for fault tests: named places on the decision path where a test can make this
// process die (kill -9 of itself) at a chosen moment instead of by luck of timing. Off unless
// JIXIAO_FAULTS names points, e.g. JIXIAO_FAULTS=board.moveAnswered (comma-separated).
export interface Faults {
  /** Called at a named point; kills the process when that point is armed. */
  hit(point: string, detail?: Record<string, unknown>): void;
}

export const FAULT_POINTS = ['board.moveAnswered', 'projection.written'] as const;

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults {
  const armed = new Set((env.JIXIAO_FAULTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  if (!armed.size) return { hit: () => undefined };
  return {
    hit(point, detail) {
      if (!armed.has(point)) return;
      process.stderr.write(`fault point ${point} ${JSON.stringify(detail ?? {})}: killing process ${process.pid}\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  };
}
