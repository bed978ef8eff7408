// The test infrastructure itself: the Temporal server from globalSetup has jixiao's search
// attributes with the right types, and mail sent over SMTP reaches the catcher intact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { describe, expect, inject, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../contracts/searchAttributes';
import { clearMail, listMail, startMailCatcher, waitForMail } from '../scripts/mailCatcher';
import { startDevServer } from '../scripts/temporal/devServer';
import { freePort } from '../scripts/temporal/ports';
import { ensureSearchAttributes } from '../scripts/temporal/searchAttributes';
import type { Log } from '../scripts/temporal/util';

const quiet: Log = { info: () => undefined, warn: () => undefined };

/** temporal.api.enums.v1.IndexedValueType, spelled out so the test does not reuse the code under test. */
const INDEXED_VALUE_TYPE = { Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7 } as const;

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
