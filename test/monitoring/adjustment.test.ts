// A target adjustment's reason on its way to the finance system (002): the form takes no more than
// fits with its kind in front, and the revision's reason is composed within the finance system's
// limit even for a request made under the earlier, looser form (cut with an ellipsis, the full reason ours).
import { describe, expect, it } from 'vitest';
import { ADJUSTMENT_KINDS, ADJUSTMENT_REASON_MAX, revisionReason } from '../../contracts/monitoring/adjustment';
import { TARGET_REVISION_REASON_MAX } from '../../contracts/finance/retry';
import { ReviseTargetsRequest } from '../../contracts/finance/finance.zod';
import { TargetAdjustmentRequest } from '../../contracts/monitoring/round.zod';
import { MONITORING_TYPES, MONITORING_TYPES_BEFORE_REASON_BOUND } from '../../contracts/monitoring/schemas';
import { validateDecision } from '../../contracts/humanTask/schemas';

const target = { level1: 'output', level2: '数量指标', name: '新建校舍面积', target: '800', unit: '平方米', direction: '>=', isCore: true } as const;
const revision = (reason: string) => ({ idempotencyKey: 'k', projectId: 'P1', year: 2026, indicators: [target], reason, source: 'monitoring' as const, by: 'perf-officer' });

describe("a target adjustment's reason (绩效目标调整)", () => {
  it('at the longest the form takes, it goes to finance whole with either kind in front, and finance takes it', () => {
    for (const kind of Object.keys(ADJUSTMENT_KINDS) as Array<keyof typeof ADJUSTMENT_KINDS>) {
      const reason = '调'.repeat(ADJUSTMENT_REASON_MAX);
      expect(TargetAdjustmentRequest.safeParse({ kind, reason, indicators: [target] }).success).toBe(true);
      const r = revisionReason(kind, reason);
      expect(r).toEqual({ text: `${ADJUSTMENT_KINDS[kind]}：${reason}`, truncated: false });
      expect(r.text.length).toBeLessThanOrEqual(TARGET_REVISION_REASON_MAX);
      expect(ReviseTargetsRequest.safeParse(revision(r.text)).success).toBe(true);
    }
  });

  it('one character longer is refused by the form, naming the reason', () => {
    const r = TargetAdjustmentRequest.safeParse({ kind: 'policy', reason: '调'.repeat(ADJUSTMENT_REASON_MAX + 1), indicators: [target] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['reason']);
    const v = validateDecision(MONITORING_TYPES['monitoring.form'], 'adjust', { kind: 'policy', reason: '调'.repeat(ADJUSTMENT_REASON_MAX + 1), indicators: [target] });
    expect(v.ok ? [] : v.errors.map((e) => e.field)).toEqual(['form.reason']);
  });

  it('a request under the looser form (a batch from before) is cut to fit, with an ellipsis, never inside a surrogate pair', () => {
    const reason = '调'.repeat(TARGET_REVISION_REASON_MAX);
    // such a batch still validates what it accepted then
    expect(validateDecision(MONITORING_TYPES_BEFORE_REASON_BOUND['monitoring.form'], 'adjust', { kind: 'policy', reason, indicators: [target] }).ok).toBe(true);
    const r = revisionReason('policy', reason);
    expect(r.truncated).toBe(true);
    expect(r.text).toHaveLength(TARGET_REVISION_REASON_MAX);
    expect(r.text.startsWith('政策变化：调调')).toBe(true);
    expect(r.text.endsWith('调…')).toBe(true);
    expect(ReviseTargetsRequest.safeParse(revision(r.text)).success).toBe(true);
    // a character outside the BMP (two UTF-16 units) at the cut goes whole or not at all
    const astral = revisionReason('emergency', `${'调'.repeat(TARGET_REVISION_REASON_MAX - 7)}𠀋𠀋𠀋`);
    expect(astral.text.length).toBeLessThanOrEqual(TARGET_REVISION_REASON_MAX);
    expect(astral.text.endsWith('…')).toBe(true);
    expect(astral.text).toHaveLength(TARGET_REVISION_REASON_MAX - 1); // the pair that did not fit is left out whole
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(astral.text)).toBe(false);
  });
});
