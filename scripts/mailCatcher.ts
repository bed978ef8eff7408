// A local mail catcher (maildev, run in this process): SMTP on 127.0.0.1:smtpPort, the web
// inbox and REST API on http://127.0.0.1:webPort. Plus a tiny REST client for tests.
import { mkdirSync } from 'node:fs';
import { MailDev } from 'maildev';
import { assertPortFree } from './temporal/ports';
import type { Log } from './temporal/util';

export interface MailCatcher {
  smtpPort: number;
  webUrl: string;
  stop(): Promise<void>;
}

const defaultLog: Log = {
  info: (msg) => process.stderr.write(`[mail] ${msg}\n`),
  warn: (msg) => process.stderr.write(`[mail] ${msg}\n`),
};

/**
 * Starts maildev in this process (no child process to leak). `dir` keeps the .eml files
 * (maildev would otherwise pick a folder of its own under the system temp directory).
 * A port of 0 lets the kernel choose; the returned smtpPort / webUrl carry the real ones.
 */
export async function startMailCatcher(opts: { smtpPort: number; webPort: number; dir: string; log?: Log }): Promise<MailCatcher> {
  const { smtpPort, webPort, dir } = opts;
  const log = opts.log ?? defaultLog;
  // Port 0: let the kernel pick (no race with other processes picking "free" ports).
  if (smtpPort !== 0) {
    await assertPortFree(smtpPort, `port ${smtpPort} (mail catcher SMTP) is in use: another maildev? stop it, or set SMTP_PORT=<free port>`);
  }
  if (webPort !== 0) await assertPortFree(webPort, `port ${webPort} (mail catcher web) is in use: set MAIL_WEB_PORT=<free port>`);
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const maildev = new MailDev({
    smtp: smtpPort,
    ip: '127.0.0.1',
    web: webPort,
    webIp: '127.0.0.1',
    mailDirectory: dir,
    silent: true,
  });
  // maildev's API server announces itself with console.info even when silent; we log our own line.
  const origInfo = console.info;
  console.info = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('MailDev ')) return;
    origInfo(...args);
  };
  try {
    await maildev.start();
  } catch (err) {
    await maildev.stop().catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new Error(
      e.code === 'EADDRINUSE'
        ? `mail catcher: ${e.message} (set SMTP_PORT / MAIL_WEB_PORT to free ports)`
        : `mail catcher did not start: ${e.message}`,
    );
  } finally {
    console.info = origInfo;
  }
  const servers = maildev.getServers();
  const boundSmtp = servers?.smtp.getPort() || smtpPort;
  const boundWeb = servers?.api?.getPort() || webPort;
  const webUrl = `http://127.0.0.1:${boundWeb}`;
  try {
    await waitForHealthz(webUrl, 10_000);
  } catch (err) {
    await maildev.stop().catch(() => undefined);
    throw err;
  }
  log.info(`mail catcher up: SMTP 127.0.0.1:${boundSmtp}, inbox ${webUrl} (${Date.now() - t0} ms)`);

  let stopPromise: Promise<void> | undefined;
  return {
    smtpPort: boundSmtp,
    webUrl,
    stop: () => (stopPromise ??= maildev.stop()),
  };
}

async function waitForHealthz(webUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${webUrl}/api/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mail catcher at ${webUrl} did not answer /api/healthz within ${timeoutMs / 1000} s: ${last}`);
}

// ---------------------------------------------------------------------------------------------
// REST client (tests)

export interface CaughtMail {
  id: string;
  subject: string;
  /** Recipients as "addr" strings (display names dropped). */
  to: string[];
  /** Sender address. */
  from: string;
  text: string;
  html: string;
  headers: Record<string, string | string[]>;
  /** Message-ID header, with its angle brackets. */
  messageId: string;
  time: string;
  /** File names of its attachments. */
  attachments: string[];
}

interface MaildevAddress {
  address: string;
  name?: string;
}
interface MaildevEmail {
  id: string;
  time: string;
  subject?: string;
  from?: MaildevAddress[];
  to?: MaildevAddress[];
  text?: string;
  html?: string;
  headers?: Record<string, string | string[]>;
  attachments?: Array<{ filename?: string; fileName?: string; generatedFileName?: string }>;
}

/** Every caught message, oldest first. */
export async function listMail(webUrl: string): Promise<CaughtMail[]> {
  const res = await fetch(`${webUrl}/api/email`);
  if (!res.ok) throw new Error(`GET ${webUrl}/api/email: HTTP ${res.status}`);
  const emails = (await res.json()) as MaildevEmail[];
  return emails.map((m) => {
    const headers = m.headers ?? {};
    const mid = headers['message-id'];
    return {
      id: m.id,
      subject: m.subject ?? '',
      to: (m.to ?? []).map((a) => a.address),
      from: m.from?.[0]?.address ?? '',
      text: m.text ?? '',
      html: m.html ?? '',
      headers,
      messageId: (Array.isArray(mid) ? mid[0] : mid) ?? '',
      time: m.time,
      attachments: (m.attachments ?? []).map((a) => a.filename ?? a.fileName ?? a.generatedFileName ?? ''),
    };
  });
}

/** Deletes every caught message. */
export async function clearMail(webUrl: string): Promise<void> {
  const res = await fetch(`${webUrl}/api/email/all`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`DELETE ${webUrl}/api/email/all: HTTP ${res.status}`);
}

/** Polls until `predicate` matches a message (mail is delivered asynchronously). */
export async function waitForMail(
  webUrl: string,
  predicate: (m: CaughtMail) => boolean,
  timeoutMs = 10_000,
): Promise<CaughtMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await listMail(webUrl)).find(predicate);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no matching mail at ${webUrl} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
