// The SMTP transport: the local catcher in development and tests, a real relay by configuration.
import nodemailer from 'nodemailer';
import type { Config } from '../config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface Mailer {
  send(m: OutgoingMail): Promise<void>;
  close(): void;
}

export function createMailer(cfg: Config['mail']): Mailer {
  const transport = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    auth: cfg.user ? { user: cfg.user, pass: cfg.pass } : undefined,
    pool: true,
    maxConnections: 8,
    // a local catcher has no certificate
    tls: cfg.catcher ? { rejectUnauthorized: false } : undefined,
  });
  return {
    async send(m) {
      await transport.sendMail({ from: cfg.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, attachments: m.attachments });
    },
    close() {
      transport.close();
    },
  };
}
