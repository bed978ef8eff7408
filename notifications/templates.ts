// Every mail the system sends is rendered here, and only here (Chinese first, as officers read
// them), with the task's deep link: a task's mail when the projection writes it to the outbox
// (activities/inbox/projection.ts → renderMail), a digest of many when the dispatcher groups a
// person's new tasks (notifications/dispatcher.ts → renderDigest).
import type { MailKind } from '../contracts/humanTask/inbox';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const KIND_ZH: Record<MailKind, string> = {
  assigned: '新待办',
  reminder: '办理提醒',
  escalated: '超期升级',
  decided: '办理结果',
  urged: '催办',
  notice: '通知',
};

export interface MailVars {
  kind: MailKind;
  recipientName: string;
  title: string;
  projectName: string | null;
  dueAt: string | null;
  reason: string | null;
  link: string | null;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmtDate = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

export function renderMail(v: MailVars): MailContent {
  const withProject = v.projectName && !v.title.includes(v.projectName) ? `（${v.projectName}）` : '';
  const subject = `【绩效】${KIND_ZH[v.kind]}：${v.title}${withProject}`;
  const lines = [
    `${v.recipientName}，您好：`,
    '',
    `${KIND_ZH[v.kind]}：${v.title}`,
    ...(v.projectName ? [`项目：${v.projectName}`] : []),
    ...(v.dueAt && v.kind !== 'decided' && v.kind !== 'notice' ? [`办理期限：${fmtDate(v.dueAt)}`] : []),
    ...(v.reason ? [`说明：${v.reason}`] : []),
    ...(v.link ? ['', `办理链接：${v.link}`] : []),
    '',
    '—— 预算绩效管理系统（jixiao）',
  ];
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif">
<p>${esc(v.recipientName)}，您好：</p>
<p><strong>${esc(KIND_ZH[v.kind])}</strong>：${esc(v.title)}</p>
${v.projectName ? `<p>项目：${esc(v.projectName)}</p>` : ''}
${v.dueAt && v.kind !== 'decided' && v.kind !== 'notice' ? `<p>办理期限：${esc(fmtDate(v.dueAt))}</p>` : ''}
${v.reason ? `<p>说明：${esc(v.reason)}</p>` : ''}
${v.link ? `<p><a href="${esc(v.link)}">打开任务 / Open the task</a></p>` : ''}
<p style="color:#888">—— 预算绩效管理系统（jixiao）</p></body></html>`;
  return { subject, text: lines.join('\n'), html };
}

export interface DigestItem {
  subject: string;
  link: string | null;
}

/**
 * One mail for many tasks: a round must not send thousands of mails to one person. 'new': new
 * tasks; 'nudges': urges (催办) and reminders of tasks already in the inbox.
 */
export function renderDigest(recipientName: string, items: DigestItem[], inboxUrl: string, what: 'new' | 'nudges' = 'new'): MailContent {
  const shown = items.slice(0, 50);
  const more = items.length - shown.length;
  const heading = what === 'new' ? `您有 ${items.length} 项新的待办` : `您有 ${items.length} 条催办或办理提醒`;
  const subject = `【绩效】${heading}`;
  const text = [
    `${recipientName}，您好：`,
    '',
    `${heading}：`,
    ...shown.map((i) => `- ${i.subject.replace(/^【绩效】/, '')}${i.link ? `  ${i.link}` : ''}`),
    ...(more > 0 ? [`……另有 ${more} 项`] : []),
    '',
    `打开待办列表：${inboxUrl}`,
    '',
    '—— 预算绩效管理系统（jixiao）',
  ].join('\n');
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif">
<p>${esc(recipientName)}，您好：</p><p>${esc(heading)}：</p><ul>
${shown.map((i) => `<li>${i.link ? `<a href="${esc(i.link)}">${esc(i.subject.replace(/^【绩效】/, ''))}</a>` : esc(i.subject)}</li>`).join('\n')}
</ul>${more > 0 ? `<p>……另有 ${more} 项</p>` : ''}<p><a href="${esc(inboxUrl)}">打开待办列表 / Open the inbox</a></p></body></html>`;
  return { subject, text, html };
}

export const taskLink = (publicUrl: string, taskId: string): string => `${publicUrl}/#/tasks/${encodeURIComponent(taskId)}`;
