// The test infrastructure itself: the Temporal server from globalSetup has jixiao's search
// attributes with the right types and does not outlive a SIGKILL of the process that started it,
// and mail sent over SMTP reaches the catcher intact.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { describe, expect, inject, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../contracts/searchAttributes';
import { clearMail, listMail, startMailCatcher, waitForMail } from '../scripts/mailCatcher';
import { startDevServer } from '../scripts/temporal/devServer';
import { ensureTemporalCli } from '../scripts/temporal/install';
import { freePort } from '../scripts/temporal/ports';
import { ensureSearchAttributes } from '../scripts/temporal/searchAttributes';
import { REPO_ROOT, type Log } from '../scripts/temporal/util';

const quiet: Log = { info: () => undefined, warn: () => undefined };

/** temporal.api.enums.v1.IndexedValueType, spelled out so the test does not reuse the code under test. */
const INDEXED_VALUE_TYPE = { Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7 } as const;

/** Running, and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

describe('Temporal test server', () => {
  it('answers and has every search attribute with its type', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const namespace = inject('temporalNamespace');
      const ns = await connection.workflowService.describeNamespace({ namespace });
      expect(ns.namespaceInfo?.name).toBe(namespace);

      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      expect(Object.keys(SEARCH_ATTRIBUTES)).toHaveLength(8);
      for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
        expect(customAttributes, `search attribute ${name}`).toHaveProperty(name);
        expect(customAttributes[name], `type of ${name}`).toBe(INDEXED_VALUE_TYPE[type]);
      }
    } finally {
      await connection.close();
    }
  });

  it('ensureSearchAttributes is idempotent on it', async () => {
    expect(await ensureSearchAttributes(inject('temporalAddress'), inject('temporalNamespace'), { log: quiet })).toEqual([]);
  });

  it('refuses to start a second server on a busy port, with a clear message', async () => {
    const port = Number(inject('temporalAddress').split(':').pop());
    await expect(
      startDevServer({ port, uiPort: await freePort(), namespace: 'x', log: quiet }),
    ).rejects.toThrow(`port ${port} is in use: another Temporal?`);
  });

  // @temporalio/testing stops its server on teardown, but leaves it running when the process that
  // started it dies by SIGKILL; test/helpers/testServer.ts adds a guard for that.
  it('is gone within seconds after a SIGKILL of the process that started it', async () => {
    const cli = await ensureTemporalCli({ log: quiet });
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/testServer.ts', cli], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', (code) => reject(new Error(`test server helper exited (${code}): ${stderr}`)));
      });
      const pid = Number(line.split(' ')[1]);
      expect(pid, line).toBeGreaterThan(0);
      expect(alive(pid)).toBe(true);
      child.kill('SIGKILL');
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid), `server pid ${pid} still running after its starter was killed`).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

describe('mail catcher', () => {
  it('receives a mail with a Chinese subject intact', async () => {
    const webUrl = inject('mailWebUrl');
    const subject = `【绩效】项目自评待审核 ${Date.now()}`;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inject('smtpPort'), secure: false });
    try {
      const info = await transport.sendMail({
        from: 'jixiao 绩效 <noreply@jixiao.local>',
        to: '张三 <zhangsan@example.gov.cn>',
        subject,
        text: '您有一项绩效自评待审核。',
        html: '<p>您有一项<b>绩效自评</b>待审核。</p>',
      });
      const mail = await waitForMail(webUrl, (m) => m.subject === subject);
      expect(mail.to).toEqual(['zhangsan@example.gov.cn']);
      expect(mail.from).toBe('noreply@jixiao.local');
      expect(mail.text).toContain('绩效自评待审核');
      expect(mail.html).toContain('<b>绩效自评</b>');
      expect(mail.messageId).toBe(info.messageId);
      expect(mail.headers['subject']).toBe(subject);
      expect((await listMail(webUrl)).some((m) => m.subject === subject)).toBe(true);
    } finally {
      transport.close();
    }
  });

  // The shared catcher is not cleared here (other files may be reading it): a catcher of our own.
  it('clears its inbox, refuses a busy port, and stops', async () => {
    const [smtpPort, webPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'jixiao-mail-test-'));
    const catcher = await startMailCatcher({ smtpPort, webPort, dir, log: quiet });
    try {
      await expect(startMailCatcher({ smtpPort, webPort: await freePort(), dir, log: quiet })).rejects.toThrow(
        `port ${smtpPort} (mail catcher SMTP) is in use`,
      );
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false });
      await transport.sendMail({ from: 'a@jixiao.local', to: 'b@jixiao.local', subject: '清空测试', text: '-' });
      transport.close();
      expect((await listMail(catcher.webUrl)).map((m) => m.subject)).toEqual(['清空测试']);
      await clearMail(catcher.webUrl);
      expect(await listMail(catcher.webUrl)).toEqual([]);
    } finally {
      await catcher.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(fetch(`${catcher.webUrl}/api/healthz`)).rejects.toThrow();
  });
});
