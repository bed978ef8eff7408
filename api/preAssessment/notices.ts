// The notices in a person's inbox (通知): what a process tells someone that is not a task to do, e.g. a
// failed pre-assessment's conclusion and why (to the unit's preparer), a revised report passed on to the
// budget division (004: 预算科). They are the mail outbox's rows not tied to a task, so the inbox shows
// exactly what was mailed, whether or not the mail has gone yet.
import { z } from 'zod';
import type { Db } from '../../db';
import type { User } from '../auth';
import type { Api } from '../http';

export interface Notice {
  id: string;
  kind: string;
  subject: string;
  text: string;
  link: string | null;
  at: string;
  mailed: boolean;
}

export function noticeRoutes(api: Api<User>, db: Db): void {
  api.route({
    method: 'get',
    path: '/api/notices',
    summary: 'My notices (通知): conclusions and notices of any process that are not tasks, newest first',
    tags: ['inbox'],
    auth: true,
    query: z.object({ kind: z.enum(['decided', 'notice']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    handler: async ({ query, ctx }) => {
      const { rows } = await db.query<{ id: string; kind: string; subject: string; body_text: string; link: string | null; created_at: Date; sent_at: Date | null }>(
        `SELECT id::text, kind, subject, body_text, link, created_at, sent_at FROM outbox
          WHERE user_id = $1 AND task_id IS NULL AND ($2::text IS NULL OR kind = $2) ORDER BY id DESC LIMIT $3`,
        [ctx.id, query.kind ?? null, query.limit],
      );
      const items: Notice[] = rows.map((r) => ({ id: r.id, kind: r.kind, subject: r.subject, text: r.body_text, link: r.link, at: new Date(r.created_at).toISOString(), mailed: r.sent_at !== null }));
      return { items };
    },
  });
}
