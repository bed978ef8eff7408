// Primitive value types shared by every contract.
import { z } from 'zod';

/** Money in fen (分, 1/100 yuan) as a safe integer — never a float of yuan. */
export const Fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export type Fen = z.infer<typeof Fen>;
export const yuan = (y: number): number => Math.round(y * 100);

/** Identifiers of our own: letters, digits, dash, underscore, dot, colon. */
export const Id = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

/**
 * A database serial id as it comes in a path or query: digits only, no sign, exponent, hex, blank or
 * leading zero ("1e0" and "0x1" are not 1), at most 15 digits (a safe integer, within bigint).
 */
export const SerialId = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, 'a positive whole number in digits (at most 15)')
  .transform(Number);

export const IsoDateTime = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();

/** Who acts: taken from the verified token by the API, passed to workflows with every decision. */
export const Actor = z.object({
  userId: Id,
  name: z.string(),
  /** Candidate-group keys the user belongs to, e.g. "competent_reviewer@D01". */
  groups: z.array(z.string()),
  roles: z.array(z.string()),
});
export type Actor = z.infer<typeof Actor>;
