// Malformed and hostile requests against the real system: each is a 4xx naming the field, never a
// 500, never a value that reaches the database or a workflow and breaks it later (issue 14, items 5–7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application } from '../helpers/fixtures';
import { zip } from '../helpers/zip';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let preparer: Http;
let reviewer: Http;
let director: Http;
let taskId = '';
let firstAttachment = 0;

const code = `BAD-${Date.now()}`;
const path = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;

beforeAll(async () => {
  sys = await startSystem();
  [preparer, reviewer, director] = await Promise.all(['u0101-preparer', 'd01-reviewer', 'director'].map((u) => sys.as(u)));
  // a continuing 200,000-yuan project: target review by 教育厅's reviewers
  for (const n of [1, 2]) {
    const r = await preparer.post('/api/pre-assessments', application({ projectCode: `${code}-${n}`, isNew: false, amountFen: 20_000_000 }));
    expect(r.status).toBe(201);
  }
  const t = await eventually(async () => (await reviewer.get(`/api/tasks?q=${code.toLowerCase()}-1`)).body.items?.[0], 'the target review task');
  taskId = t.id;
  const up = await upload(reviewer, new Blob(['第一份证明材料\n'], { type: 'text/plain' }), '说明.txt');
  expect(up.status).toBe(201);
  firstAttachment = Number(up.body.id);
});
afterAll(async () => sys?.stop());

async function raw(method: string, p: string, body: RequestInit['body'], headers: Record<string, string>, token = reviewer.token) {
  const r = await fetch(`${sys.url}${p}`, { method, headers: { authorization: `Bearer ${token}`, ...headers }, body });
  const text = await r.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed };
}

function upload(h: Http, file: Blob, name: string, field = 'file') {
  const form = new FormData();
  form.append(field, file, name);
  return raw('POST', `${path(taskId)}/attachments`, form, {}, h.token);
}

describe('text PostgreSQL cannot store is refused at the API, with the field', () => {
  it('a project name with a lone UTF-16 surrogate is a 400 naming body.name, and no process starts', async () => {
    const projectCode = `${code}-SURROGATE`;
    // JSON.stringify writes the lone surrogate as the escape \ud800, which JSON.parse turns back into it
    const r = await preparer.post('/api/pre-assessments', application({ projectCode, name: '校园\ud800改造' }));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', field: 'body.name' });
    expect(r.body.error.message).toMatch(/surrogate/);
    const processes = await director.get('/api/processes');
    expect(processes.body.map((p: { projectId: string }) => p.projectId)).not.toContain(projectCode);
  });

  it('a draft with a lone surrogate in its form is a 400 naming the form field; the inbox goes on', async () => {
    expect((await reviewer.post(`${path(taskId)}/actions`, { action: 'claim' })).status).toBe(200);
    const bad = await reviewer.post(`${path(taskId)}/actions`, { action: 'saveDraft', form: { opinion: '目标\udc00明确' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body.form.opinion');
    // a lone surrogate in a key is refused too (the key is escaped in the path)
    const badKey = await reviewer.post(`${path(taskId)}/actions`, { action: 'saveDraft', form: { 'op\ud83dx': '好' } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.field).toBe('body.form.op\\ud83dx');
    // a proper pair (an emoji) is fine, and the draft is in the inbox
    const ok = await reviewer.post(`${path(taskId)}/actions`, { action: 'saveDraft', form: { opinion: '目标明确 👍' } });
    expect(ok.status).toBe(200);
    await eventually(async () => (await reviewer.get(path(taskId))).body.state?.draft?.opinion === '目标明确 👍', 'the draft in the inbox');
  });

  it('NUL characters in the query are refused with the query field, in a repeated parameter too', async () => {
    const nul = await reviewer.get('/api/tasks?q=a%00b');
    expect(nul.status).toBe(400);
    expect(nul.body.error.field).toBe('query.q');
    const repeated = await reviewer.get('/api/tasks?q=a&q=b%00');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.field).toBe('query.q.1');
  });
});

describe('deeply nested JSON', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('100,000 levels is a 400 naming the depth, not a stack overflow (500) — logged in or not', async () => {
    const anon = await fetch(`${sys.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep(100_000) });
    expect(anon.status).toBe(400);
    const err = ((await anon.json()) as { error: { code: string; field: string; message: string } }).error;
    expect(err.code).toBe('TOO_DEEP');
    expect(err.field).toBe(`body${'.0'.repeat(32)}`); // where it passes the limit
    expect(err.message).toMatch(/nested deeper than 32 levels/);
    const comment = await raw('POST', `${path(taskId)}/comments`, `{"body": "x", "extra": ${deep(100_000)}}`, { 'content-type': 'application/json' });
    expect(comment.status).toBe(400);
    expect(comment.body.error.field).toBe(`body.extra${'.0'.repeat(31)}`);
  });

  it('a form nested 40 deep is refused at the level where it passes the limit; 20 deep is fine', async () => {
    const nest = (n: number): unknown => (n === 0 ? '值' : { a: nest(n - 1) });
    const tooDeep = await reviewer.post(`${path(taskId)}/actions`, { action: 'saveDraft', form: nest(40) });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.error.code).toBe('TOO_DEEP');
    expect(tooDeep.body.error.field).toBe(['body', 'form', ...Array(31).fill('a')].join('.'));
    const fine = await reviewer.post(`${path(taskId)}/actions`, { action: 'saveDraft', form: { opinion: '目标明确', nested: nest(20) } });
    expect(fine.status).toBe(200);
  });
});

describe('malformed uploads are 4xx with the field', () => {
  it('two files in one upload: 400 naming file', async () => {
    const form = new FormData();
    form.append('file', new Blob(['一\n'], { type: 'text/plain' }), 'a.txt');
    form.append('file', new Blob(['二\n'], { type: 'text/plain' }), 'b.txt');
    const r = await raw('POST', `${path(taskId)}/attachments`, form, {});
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', field: 'file' });
    expect(r.body.error.message).toMatch(/one file/);
  });

  it('a file in a wrongly named field: 400 naming that field and the right one', async () => {
    const r = await upload(reviewer, new Blob(['一\n'], { type: 'text/plain' }), 'a.txt', 'files');
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('files');
    expect(r.body.error.message).toMatch(/"file"/);
  });

  it('a broken multipart body (unterminated, or no boundary): 400 MALFORMED_MULTIPART', async () => {
    const broken = await raw('POST', `${path(taskId)}/attachments`, '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello', {
      'content-type': 'multipart/form-data; boundary=XYZ',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({ code: 'MALFORMED_MULTIPART', field: 'body' });
    const noBoundary = await raw('POST', `${path(taskId)}/attachments`, 'whatever', { 'content-type': 'multipart/form-data' });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.error).toMatchObject({ code: 'MALFORMED_MULTIPART', field: 'body' });
    const badHeader = await raw('POST', `${path(taskId)}/attachments`, '--XYZ\r\nno header here\r\n\r\nx\r\n--XYZ--\r\n', { 'content-type': 'multipart/form-data; boundary=XYZ' });
    expect(badHeader.status).toBe(400);
  });

  it('a file over 10 MB: 413 naming file', async () => {
    const r = await upload(reviewer, new Blob([new Uint8Array(10 * 1024 * 1024 + 1).fill(0x41)], { type: 'text/plain' }), 'big.txt');
    expect(r.status).toBe(413);
    expect(r.body.error.field).toBe('file');
  });
});

describe('uploaded content must be what its declared type says', () => {
  const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
  const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
  const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const OLE = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504)]);
  const EXE = new TextEncoder().encode('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff');
  const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const docx = () =>
    zip([
      ['[Content_Types].xml', `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="${DOCX_TYPE.replace('.document', '.document.main+xml')}"/></Types>`],
      ['word/document.xml', '<w:document/>'],
    ]);

  const accepted: Array<[string, Uint8Array | string, string, string]> = [
    ['a PNG image', PNG, 'image/png', '截图.png'],
    ['a JPEG photo', JPEG, 'image/jpeg', '现场.jpg'],
    ['a PDF document', PDF, 'application/pdf', '报告.pdf'],
    ['a Word document (docx)', docx(), DOCX_TYPE, '报告.docx'],
    ['an old Excel workbook (OLE)', OLE, 'application/vnd.ms-excel', '旧表.xls'],
    ['UTF-8 text with a BOM', '\ufeff采购清单,10台\n', 'text/csv', '清单.csv'],
  ];
  for (const [what, content, type, name] of accepted) {
    it(`accepts ${what} declared as ${type}`, async () => {
      const r = await upload(reviewer, new Blob([content], { type }), name);
      expect(r.status).toBe(201);
      expect(r.body.mime).toBe(type);
    });
  }

  const refused: Array<[string, Uint8Array | string, string]> = [
    ['an executable declared as a PDF', EXE, 'application/pdf'],
    ['a JPEG declared as a PNG', JPEG, 'image/png'],
    ['a PDF declared as a Word document', PDF, DOCX_TYPE],
    ['a Word document declared as an Excel workbook', docx(), XLSX_TYPE],
    ['a plain zip declared as a Word document', zip([['readme.txt', 'hello']]), DOCX_TYPE],
    ['an executable declared as an old Word document', EXE, 'application/msword'],
    ['text with a NUL byte', 'a\u0000b', 'text/plain'],
    ['text that is not UTF-8 (GBK)', Uint8Array.from([0xb2, 0xc9, 0xb9, 0xba, 0x0a]), 'text/csv'],
    ['a PNG declared as text', PNG, 'text/plain'],
  ];
  for (const [what, content, type] of refused) {
    it(`refuses ${what}: 400 naming file`, async () => {
      const r = await upload(reviewer, new Blob([content], { type }), 'upload.bin');
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION', field: 'file' });
      expect(r.body.error.message).toMatch(/content/);
    });
  }

  it('a CSV that Windows declares as an Excel workbook is taken as the text it is (text/csv)', async () => {
    const r = await upload(reviewer, new Blob(['项目,金额\n设备,10\n'], { type: 'application/vnd.ms-excel' }), '清单.csv');
    expect(r.status).toBe(201);
    expect(r.body.mime).toBe('text/csv');
  });

  it('a download is not sniffed by the browser', async () => {
    const r = await fetch(`${sys.url}/api/attachments/${firstAttachment}`, { headers: { authorization: `Bearer ${reviewer.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('identifiers are parsed strictly', () => {
  for (const id of ['1e0', '0x1', '01', '1.0', '+1', ' 1', '99999999999999999999']) {
    it(`attachment id "${id}" is a 400 naming params.id, not attachment 1`, async () => {
      expect(firstAttachment).toBe(1);
      const r = await reviewer.get(`/api/attachments/${encodeURIComponent(id)}`);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION', field: 'params.id' });
    });
  }

  it('attachment 1 is attachment 1', async () => {
    expect((await reviewer.get(`/api/attachments/${firstAttachment}`)).status).toBe(200);
  });

  it('deleting saved view "1e0" does not delete view 1', async () => {
    const v = await reviewer.put('/api/views', { name: '我的视图', filters: { overdue: 'true' } });
    expect(v.status).toBe(200);
    const r = await reviewer.del(`/api/views/${Number(v.body.id).toExponential().replace('+', '')}`);
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('params.id');
    expect((await reviewer.get('/api/views')).body).toHaveLength(1);
    expect((await reviewer.del(`/api/views/${v.body.id}`)).status).toBe(200);
  });
});

describe('list cursors', () => {
  const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const DB_WORDS = /syntax|timestamp|integer|out of range|invalid input|byte sequence|22[0-9A-Z]{3}/i;

  it('a cursor the API issued pages through the list', async () => {
    const first = await director.get('/api/tasks?mine=visible&limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await director.get(`/api/tasks?mine=visible&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  const forged: Array<[string, string, string]> = [
    ['a date that is not a date', 'due', forge(['not a date', 'x'])],
    ['a year PostgreSQL does not have', 'due', forge(['0000-01-01T00:00:00.000Z', 'x'])],
    ['a priority beyond an integer', 'priority', forge([1e300, 'x'])],
    ['a priority that is a string', 'priority', forge(['high', 'x'])],
    ['an object as the sort value', 'created', forge([{ a: 1 }, 'x'])],
    ['a NUL in the task id', 'due', forge(['2026-01-01T00:00:00.000Z', 'a\u0000b'])],
    ['a lone surrogate in the task id', 'due', forge(['2026-01-01T00:00:00.000Z', 'a\ud800b'])],
    ['a priority where the sort is by date', 'due', forge([5, 'x'])],
    ['not base64 JSON at all', 'due', '%%%'],
  ];
  for (const [what, sort, cursor] of forged) {
    it(`a forged cursor (${what}) is a 400 on query.cursor, without the database's words`, async () => {
      const r = await director.get(`/api/tasks?mine=visible&sort=${sort}&cursor=${encodeURIComponent(cursor)}`);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION', field: 'query.cursor' });
      expect(r.body.error.message).not.toMatch(DB_WORDS);
    });
  }
});
