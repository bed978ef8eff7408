// The worker's process settings (worker/runtime.ts) are where a deployment starts it: the image, the
// compose file, `npm run worker` and the README's production lines carry them, so the figures
// BENCHMARKS.md gives for the worker's memory are the deployed worker's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKER_NODE_ARGS, WORKER_PROCESS_ENV } from '../../worker/runtime';

const read = (f: string): string => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');
const env = Object.entries(WORKER_PROCESS_ENV);

describe("the worker's process settings", () => {
  it('the image starts every process with their environment', () => {
    const dockerfile = read('Dockerfile');
    expect(env.length).toBeGreaterThan(0);
    for (const [k, v] of env) expect(dockerfile).toMatch(new RegExp(`^ENV ${k}=${v}$`, 'm'));
  });

  it("the compose file's worker and `npm run worker` start node with their options", () => {
    const compose = read('docker-compose.yml');
    const worker = compose.slice(compose.indexOf('\n  worker:'));
    const command = /command: (\[.*\])/.exec(worker)?.[1];
    expect(command && JSON.parse(command)).toEqual(['node', ...WORKER_NODE_ARGS, '--import', 'tsx', 'worker/main.ts']);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.worker).toBe(`node ${WORKER_NODE_ARGS.join(' ')} --import tsx worker/main.ts`);
  });

  it('the README starts a worker without the image with both', () => {
    const readme = read('README.md');
    expect(readme).toContain(`${env.map(([k, v]) => `${k}=${v}`).join(' ')} node ${WORKER_NODE_ARGS.join(' ')} --import tsx worker/main.ts`);
  });
});
