// `npm run bench:flowable [-- --quick] [-- --instances N]`: Flowable 7.2 embedded on PostgreSQL, the
// comparison to run beside `npm run bench` on the same machine (issue 16: targets are ratios to
// Flowable in the same run). A throwaway PostgreSQL (scripts/postgres.ts), the Maven project in
// bench/flowable (Java 17, Maven; Maven Central serves flowable-engine and the PostgreSQL driver),
// 30,000 monitoring-like user-task instances by default: 4 threads start, 8 threads list task pages,
// then 8 threads claim + complete. Writes bench/results/<time>-flowable.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { freePort } from '../../scripts/temporal/ports';
import { startPostgres } from '../../scripts/postgres';

const argv = process.argv.slice(2);
const num = (flag: string, dflt: number): number => {
  const i = argv.indexOf(flag);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const instances = num('--instances', argv.includes('--quick') ? 3000 : 30000);
const here = fileURLToPath(new URL('.', import.meta.url));
const say = (m: string): void => void process.stdout.write(`[bench:flowable] ${m}\n`);

const build = spawnSync('mvn', ['-q', '-B', '-f', join(here, 'pom.xml'), 'package', 'dependency:build-classpath', '-Dmdep.outputFile=target/classpath.txt', '-DskipTests'], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('mvn package failed (Java 17 and Maven needed; Maven Central for the first build)');
const classpath = `${join(here, 'target', 'classes')}:${readFileSync(join(here, 'target', 'classpath.txt'), 'utf8').trim()}`;

const dir = mkdtempSync(join(tmpdir(), 'jixiao-flowable-'));
const pg = startPostgres(dir, await freePort());
try {
  const u = new URL(pg.url);
  const jdbc = `jdbc:postgresql://${u.hostname}:${u.port}${u.pathname}?user=${u.username || 'postgres'}`;
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0];
  say(`${instances} instances on ${jdbc} (${java})`);
  const load0 = loadavg();
  const run = spawnSync('java', ['-Xmx2g', '-cp', classpath, 'jixiao.bench.FlowableBench', '--jdbc', jdbc, '--instances', String(instances), '--start-threads', String(num('--start-threads', 4)), '--complete-threads', String(num('--complete-threads', 8)), '--list-seconds', String(num('--list-seconds', 10))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(run.stdout.split('\n').filter((l) => l.startsWith('[flowable]')).join('\n') + '\n');
  if (run.status !== 0) throw new Error(`the Flowable bench failed (exit ${run.status})`);
  const json = run.stdout.split('\n').find((l) => l.startsWith('{"flowable"'));
  const result = { date: new Date().toISOString(), command: `npm run bench:flowable${argv.length ? ` -- ${argv.join(' ')}` : ''}`, machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), java, loadavgAtStart: load0, loadavgAtEnd: loadavg() }, ...(json ? JSON.parse(json) : {}) };
  const out = join(here, '..', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `${result.date.slice(0, 19).replace(/:/g, '')}-flowable.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  say(`results: ${file}`);
} finally {
  pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
