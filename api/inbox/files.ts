// The inbox's files and notes on a task: comments, evidence attachments (upload, download). Each
// is audited on the task, beside the board's own events.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SerialId } from '../../contracts/common.zod';
import type { Db } from '../../db';
import { auditTaskEvent } from '../../db/inbox/audit';
import { require, type User } from '../auth';
import { HttpError, type Api } from '../http';
import { checkedType, receiveUpload } from '../uploads';
import { IdParam, loadTask } from './task';

export function fileRoutes(api: Api<User>, { db }: { db: Db }): void {
  api.route({
    method: 'post',
    path: '/api/tasks/:id/comments',
    summary: 'Comment on a task',
    tags: ['tasks'],
    auth: true,
    params: IdParam,
    body: z.object({ body: z.string().trim().min(1).max(5000) }),
    status: 201,
    handler: async ({ params, body, ctx }) => {
      require(ctx, 'task.act');
      const row = await loadTask(db, ctx, params.id);
      return db.tx(async (q) => {
        const { rows } = await q.query<{ id: number; at: string }>(`INSERT INTO comments (task_id, author_id, author_name, body) VALUES ($1, $2, $3, $4) RETURNING id, at`, [row.id, ctx.id, ctx.name, body.body]);
        await auditTaskEvent(q, { key: `comment:${rows[0].id}`, actor: ctx, action: 'task.comment', task: row, reason: null, detail: { commentId: rows[0].id } });
        return rows[0];
      });
    },
  });

  api.raw({
    method: 'post',
    path: '/api/tasks/:id/attachments',
    summary: 'Attach an evidence file (multipart field "file"; ≤ 10 MB; pdf, png, jpeg, office documents, UTF-8 text; the content must match the declared type)',
    tags: ['tasks'],
    auth: true,
    middleware: [],
    requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } },
    handler: async (req, res, ctx) => {
      require(ctx, 'task.act');
      const row = await loadTask(db, ctx, String(req.params.id));
      const f = await receiveUpload(req, res); // malformed uploads: 400/413 naming the field
      const mime = await checkedType(f); // the declared type, once the content is seen to be it
      const sha256 = createHash('sha256').update(f.buffer).digest('hex');
      const name = Buffer.from(f.originalname, 'latin1').toString('utf8').slice(0, 200);
      const out = await db.tx(async (q) => {
        const { rows } = await q.query<{ id: number }>(
          `INSERT INTO attachments (task_id, uploader_id, filename, mime, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [row.id, ctx.id, name, mime, f.size, sha256, f.buffer],
        );
        await auditTaskEvent(q, { key: `attachment:${rows[0].id}`, actor: ctx, action: 'task.attach', task: row, reason: null, detail: { attachmentId: rows[0].id, filename: name, sha256, size: f.size } });
        return { id: rows[0].id, filename: name, mime, size: f.size, sha256 };
      });
      res.status(201).json(out);
    },
  });

  api.raw({
    method: 'get',
    path: '/api/attachments/:id',
    summary: 'Download an attachment',
    tags: ['tasks'],
    auth: true,
    middleware: [],
    handler: async (req, res, ctx) => {
      require(ctx, 'task.read');
      const parsed = SerialId.safeParse(req.params.id);
      if (!parsed.success) throw new HttpError(400, 'VALIDATION', `params.id: ${parsed.error.issues[0]?.message ?? 'not an attachment id'}`, 'params.id');
      const id = parsed.data;
      const { rows } = await db.query<{ task_id: string; filename: string; mime: string; content: Uint8Array; sha256: string }>(`SELECT task_id, filename, mime, content, sha256 FROM attachments WHERE id = $1`, [id]);
      if (!rows[0]) throw new HttpError(404, 'NOT_FOUND', `attachment ${id} not found`);
      await loadTask(db, ctx, rows[0].task_id);
      res.setHeader('content-type', rows[0].mime);
      res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(rows[0].filename)}`);
      res.setHeader('x-checksum-sha256', rows[0].sha256);
      res.setHeader('x-content-type-options', 'nosniff');
      res.end(Buffer.from(rows[0].content));
    },
  });
}
