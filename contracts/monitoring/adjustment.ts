// A target adjustment (绩效目标调整, 002) on its way to the finance system: the kinds a unit names,
// the longest reason its form takes, and the reason finance's revision carries ("<kind>：<reason>"),
// which always fits the finance system's limit. Zod-free: for workflow code and the API alike.
import { TARGET_REVISION_REASON_MAX } from '../finance/retry';

export const ADJUSTMENT_KINDS = { policy: '政策变化', emergency: '突发事件' } as const;
export type AdjustmentKind = keyof typeof ADJUSTMENT_KINDS;

const prefix = (kind: AdjustmentKind): string => `${ADJUSTMENT_KINDS[kind]}：`;
const LONGEST_PREFIX = Math.max(...(Object.keys(ADJUSTMENT_KINDS) as AdjustmentKind[]).map((k) => prefix(k).length));

/** The longest reason the form takes: with any kind in front it still fits the finance system's limit. */
export const ADJUSTMENT_REASON_MAX = TARGET_REVISION_REASON_MAX - LONGEST_PREFIX;

/**
 * The reason finance's revision carries: the kind, then the unit's reason, never longer than the
 * finance system takes. A longer one (a request made under an earlier, looser form) is cut with an
 * ellipsis, never inside a surrogate pair; the full reason stays in our records (the form, the audit).
 */
export function revisionReason(kind: AdjustmentKind, reason: string): { text: string; truncated: boolean } {
  const text = `${prefix(kind)}${reason}`;
  if (text.length <= TARGET_REVISION_REASON_MAX) return { text, truncated: false };
  let cut = TARGET_REVISION_REASON_MAX - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--; // a high surrogate: its pair goes with it
  return { text: `${text.slice(0, cut)}…`, truncated: true };
}
