// Evidence uploads: one multipart field "file", at most 10 MB, of an allowed type whose content is
// what the declared type says (checked by its magic bytes with file-type; text must be UTF-8).
// Malformed uploads are the client's fault: 400/413 naming the field, never a 500.
import type { Request, Response } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import multer from 'multer';
import { HttpError } from './http';

export const UPLOAD_FIELD = 'file';
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const Upload = multer({
  storage: multer.memoryStorage(),
  // a few plain fields are tolerated (a browser form may add some); nothing else
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11, fieldSize: 64 * 1024, fieldNameSize: 200 },
});

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OLE = 'application/x-cfb'; // the compound file of old office documents (.doc, .xls)

/** Each allowed declared type: what it is called, and what its content must be. */
const ALLOWED: Record<string, { label: string; content: 'text' | string[] }> = {
  'application/pdf': { label: 'a PDF document', content: ['application/pdf'] },
  'image/png': { label: 'a PNG image', content: ['image/png', 'image/apng'] },
  'image/jpeg': { label: 'a JPEG image', content: ['image/jpeg'] },
  'text/plain': { label: 'UTF-8 text', content: 'text' },
  'text/csv': { label: 'UTF-8 text (CSV)', content: 'text' },
  [DOCX]: { label: 'a Word document (.docx)', content: [DOCX] },
  [XLSX]: { label: 'an Excel workbook (.xlsx)', content: [XLSX] },
  'application/msword': { label: 'an old Word document (.doc)', content: [OLE] },
  'application/vnd.ms-excel': { label: 'an old Excel workbook (.xls)', content: [OLE] },
};

/** Reads the request's single file; malformed uploads become 400/413 naming the field. */
export async function receiveUpload(req: Request, res: Response): Promise<Express.Multer.File> {
  await new Promise<void>((resolve, reject) => Upload.single(UPLOAD_FIELD)(req, res, (err: unknown) => (err ? reject(uploadError(err)) : resolve())));
  if (!req.file) throw new HttpError(400, 'VALIDATION', `${UPLOAD_FIELD}: a multipart field "${UPLOAD_FIELD}" is required`, UPLOAD_FIELD);
  return req.file;
}

const BUSBOY_MALFORMED = /^(Malformed|Unexpected end of|Multipart: |Unsupported content type|Missing Content-Type)/;

/** multer's and busboy's errors as the client's fault, with the field. */
export function uploadError(err: unknown): unknown {
  if (err instanceof multer.MulterError) {
    const field = err.field ?? 'body';
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return new HttpError(413, 'TOO_LARGE', `${UPLOAD_FIELD}: larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`, UPLOAD_FIELD);
      case 'LIMIT_FILE_COUNT':
        return new HttpError(400, 'VALIDATION', `${UPLOAD_FIELD}: one file per upload`, UPLOAD_FIELD);
      case 'LIMIT_UNEXPECTED_FILE':
        return field === UPLOAD_FIELD
          ? new HttpError(400, 'VALIDATION', `${UPLOAD_FIELD}: one file per upload`, UPLOAD_FIELD)
          : new HttpError(400, 'VALIDATION', `${field}: unexpected file field; send the file in the multipart field "${UPLOAD_FIELD}"`, field);
      case 'LIMIT_FIELD_KEY':
      case 'LIMIT_FIELD_VALUE':
        return new HttpError(413, 'TOO_LARGE', `${field}: ${err.message.toLowerCase()}`, field);
      case 'LIMIT_PART_COUNT':
      case 'LIMIT_FIELD_COUNT':
        return new HttpError(400, 'VALIDATION', `body: ${err.message.toLowerCase()} (one file, a few fields)`, 'body');
      default:
        return new HttpError(400, 'MALFORMED_MULTIPART', `${field}: ${err.message.toLowerCase()}`, field);
    }
  }
  if (err instanceof Error && BUSBOY_MALFORMED.test(err.message)) {
    return new HttpError(400, 'MALFORMED_MULTIPART', `body: not a well-formed multipart/form-data body (${err.message})`, 'body');
  }
  return err;
}

/**
 * The type to store for an uploaded file: its declared type, once the content is seen to be that.
 * One allowance: Windows declares a .csv as application/vnd.ms-excel; UTF-8 text named .csv is text/csv.
 */
export async function checkedType(f: Pick<Express.Multer.File, 'mimetype' | 'buffer' | 'originalname'>): Promise<string> {
  const declared = f.mimetype.toLowerCase();
  const kind = ALLOWED[declared];
  if (!kind) throw new HttpError(400, 'VALIDATION', `${UPLOAD_FIELD}: type ${f.mimetype} is not allowed (${Object.keys(ALLOWED).join(', ')})`, UPLOAD_FIELD);
  if (declared === 'application/vnd.ms-excel' && /\.csv$/i.test(f.originalname) && textProblem(f.buffer) === null) return 'text/csv';
  if (kind.content === 'text') {
    const problem = textProblem(f.buffer);
    if (problem) throw new HttpError(400, 'VALIDATION', `${UPLOAD_FIELD}: the content is not ${kind.label} (declared ${declared}): ${problem}`, UPLOAD_FIELD);
    return declared;
  }
  const found = await fileTypeFromBuffer(f.buffer).catch(() => undefined);
  if (!found || !kind.content.includes(found.mime)) {
    throw new HttpError(400, 'VALIDATION', `${UPLOAD_FIELD}: the content is not ${kind.label} (declared ${declared}; the content looks like ${found ? found.mime : 'no known type'})`, UPLOAD_FIELD);
  }
  return declared;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function textProblem(b: Uint8Array): string | null {
  if (b.includes(0)) return 'it contains NUL bytes';
  try {
    UTF8.decode(b);
  } catch {
    return 'it is not valid UTF-8 (save it as UTF-8)';
  }
  return null;
}
