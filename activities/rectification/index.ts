// Rectification's own activity: the notice (整改通知书) by mail. The notice itself is the mail's
// body (printable HTML, the same page GET /api/rectifications/:id/notice.html serves), one outbox row
// per recipient keyed `<workflowId>/notice-<n>:<userId>`: a retried activity adds no row, so the
// dispatcher sends no mail twice.
import type { ActivityDeps } from '../index';
import { insertOutbox, recipientsOf, type OutboxRow } from '../../db/inbox/outbox';
import { noticeHtml, noticeText } from '../../contracts/rectification/notice';
import type { RectificationStatus } from '../../contracts/rectification/names';

export interface NoticeMail {
  /** `<workflowId>/notice-<n>`: the same key on every attempt. */
  key: string;
  why: 'issued' | 'added';
  /** User ids or group keys. */
  to: string[];
  status: RectificationStatus;
}

export const noticeLink = (publicUrl: string, workflowId: string): string => `${publicUrl}/#/rectification/${encodeURIComponent(workflowId)}`;

export function createActivities({ db, publicUrl }: Pick<ActivityDeps, 'db' | 'publicUrl'>) {
  return {
    /** Idempotent by key: writes the notice mail to the outbox once per recipient. Returns how many rows it offered. */
    async rectificationSendNotice(m: NoticeMail): Promise<number> {
      const s = m.status;
      const { rows: orgs } = await db.query<{ id: string; name: string }>('SELECT id, name FROM orgs WHERE id = ANY($1::text[])', [[s.deptId, s.unitId]]);
      const name = (id: string): string => orgs.find((o) => o.id === id)?.name ?? id;
      const names = { dept: name(s.deptId), unit: name(s.unitId) };
      const link = noticeLink(publicUrl, s.workflowId);
      const users = await recipientsOf(db, m.to);
      const subject = `【绩效】${m.why === 'issued' ? '整改通知书' : '整改通知书（追加问题）'}：${s.noticeNo}（${names.unit}，${s.source.label}）`;
      const text = noticeText(s, names, link);
      const html = noticeHtml(s, names, link);
      const out: OutboxRow[] = users.map((u) => ({ key: `${m.key}:${u.id}`, kind: 'notice', user_id: u.id, email: u.email, task_id: null, subject, body_text: `${u.name}，您好：\n\n${text}`, body_html: html, link, attach_html_as: `整改通知书-${s.noticeNo}.html` }));
      await insertOutbox(db, out);
      return out.length;
    },
  };
}

export type RectificationActivities = ReturnType<typeof createActivities>;
