// Which target reviews a department lead may approve in bulk (批量审批), per region profile: the rule
// the workflow sets `bulkApprovable` by (contracts/preAssessment/rules.ts).
import { describe, expect, it } from 'vitest';
import { regionProfile } from '../../config/regions';
import { bulkTargetReview, routeApplication } from '../../contracts/preAssessment/rules';
import { preAssessment } from '../../contracts/preAssessment/manifest.zod';
import { TASKS } from '../../contracts/registry.zod';

const YUAN = 100; // fen
const quiet = { warn: () => {} };
const bulkIn = (region: string, a: { amountFen: number; isNew: boolean }): boolean => {
  const p = regionProfile(region, quiet).preAssessment;
  return bulkTargetReview(routeApplication(a, p), a, p);
};

describe('bulk approval of target reviews (绩效目标审核)', () => {
  it("a continuing 800,000-yuan project's target review may be approved in bulk in Inner Mongolia; in Wuhai not", () => {
    const project = { amountFen: 800_000 * YUAN, isNew: false };
    expect(bulkIn('inner-mongolia', project)).toBe(true);
    expect(bulkIn('wuhai', project)).toBe(false); // 004: finance reviews every report; the threshold is 0
  });

  it('not from 1,000,000 yuan (the default threshold is strictly below), not for a new project, not for a review that is not a target review', () => {
    expect(bulkIn('inner-mongolia', { amountFen: 999_999 * YUAN, isNew: false })).toBe(true);
    expect(bulkIn('inner-mongolia', { amountFen: 1_000_000 * YUAN, isNew: false })).toBe(false);
    expect(bulkIn('inner-mongolia', { amountFen: 800_000 * YUAN, isNew: true })).toBe(false); // a new project's targets are looked at one by one
    expect(bulkIn('altay', { amountFen: 800_000 * YUAN, isNew: false })).toBe(true);
    expect(bulkIn('altay', { amountFen: 800_000 * YUAN, isNew: true })).toBe(false); // Altay: a general assessment, the department's
    expect(bulkTargetReview('key', { amountFen: 1 * YUAN, isNew: false }, { bulkTargetReviewBelowFen: 100_000_000 })).toBe(false);
  });

  it('a run started before the threshold existed (its profile lacks it) is never bulk-approvable', () => {
    expect(bulkTargetReview('targetReview', { amountFen: 1 * YUAN, isNew: false }, {})).toBe(false);
  });

  it('the manifest allows only approve in bulk, and only on the target review', () => {
    expect(TASKS.bulkOutcomes('preAssessment.targetReview')).toEqual(['approve']);
    expect(TASKS.bulkOutcomes('preAssessment.review')).toEqual([]);
    expect(TASKS.bulkOutcomes('preAssessment.revise')).toEqual([]);
    expect(preAssessment.taskTypes.filter((t) => 'bulk' in t).map((t) => t.def.type)).toEqual(['preAssessment.targetReview']);
  });
});
