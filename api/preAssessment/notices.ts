// The notices in a person's inbox (通知): what a process tells someone that is not a task to do, e.g. a
// failed pre-assessment's conclusion and why (to the unit's preparer), a revised report passed on to the
// budget division (004: 预算科). They are the mail outbox's rows not tied to a task, so the inbox shows
// exactly what was mailed, whether or not the mail has gone yet. Each is unread until its addressee
// marks it read (audited: notice.read, who and when); the inbox's notices page shows them.
import { z } from 'zod';
import { SerialId } from '../../contracts/common.zod';
import type { Db } from '../../db';
import type { User } from '../auth';
import { HttpError, type Api } from '../http';

export interface Notice {
  id: string;
  kind: string;
  subject: string;
  text: string;
  link: string | null;
  at: string;
  mailed: boolean;
  read: boolean;
  readAt: string | null;
}

type Row = { id: string; kind: string; subject: string; body_text: string; link: string | null; created_at: Date; sent_at: Date | null; read_at: Date | null };
const COLS = 'id::text, kind, subject, body_text, link, created_at, sent_at, read_at';
const asNotice = (r: Row): Notice => ({
  id: r.id,
  kind: r.kind,
  subject: r.subject,
  text: r.body_text,
  link: r.link,
  at: new Date(r.created_at).toISOString(),
  mailed: r.sent_at !== null,
  read: r.read_at !== null,
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
});

export function noticeRoutes(api: Api<User>, db: Db): void {
  api.route({
    method: 'get',
    path: '/api/notices',
    summary: 'My notices (通知): conclusions and notices of any process that are not tasks, newest first, with how many are unread',
    tags: ['inbox'],
    auth: true,
    query: z.object({
      kind: z.enum(['decided', 'notice']).optional(),
      /** Only the unread ones. */
      unread: z.stringbool().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    handler: async ({ query, ctx }) => {
      const { rows } = await db.query<Row>(
        `SELECT ${COLS} FROM outbox
          WHERE user_id = $1 AND task_id IS NULL AND ($2::text IS NULL OR kind = $2) AND ($3::boolean IS NOT TRUE OR read_at IS NULL) ORDER BY id DESC LIMIT $4`,
        [ctx.id, query.kind ?? null, query.unread ?? null, query.limit],
      );
      const unread = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE user_id = $1 AND task_id IS NULL AND read_at IS NULL', [ctx.id])).rows[0].n;
      return { items: rows.map(asNotice), unread };
    },
  });

  api.route({
    method: 'post',
    path: '/api/notices/:id/read',
    summary: 'Mark one of my notices read (audited: notice.read); marking it again changes nothing',
    tags: ['inbox'],
    auth: true,
    params: z.object({ id: SerialId }),
    handler: async ({ params, ctx }) => {
      const notice = await db.tx(async (q) => {
        const r = (await q.query<Row>(`SELECT ${COLS} FROM outbox WHERE id = $1 AND user_id = $2 AND task_id IS NULL FOR UPDATE`, [params.id, ctx.id])).rows[0];
        if (!r) throw new HttpError(404, 'NOT_FOUND', `notice ${params.id} not found among yours`, 'id');
        if (r.read_at) return asNotice(r);
        const marked = (await q.query<Row>(`UPDATE outbox SET read_at = now() WHERE id = $1 RETURNING ${COLS}`, [params.id])).rows[0];
        await q.query(`INSERT INTO audit (key, at, actor_id, actor_name, action, detail) VALUES ($1, now(), $2, $3, 'notice.read', $4::jsonb) ON CONFLICT (key) DO NOTHING`, [
          `notice:${params.id}:read`,
          ctx.id,
          ctx.name,
          JSON.stringify({ notice: params.id, kind: r.kind, subject: r.subject }),
        ]);
        return asNotice(marked);
      });
      return notice;
    },
  });
}
