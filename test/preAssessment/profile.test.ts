// The region profiles' pre-assessment rules as the seeds state them, at the edges of each threshold,
// and where each value comes from (a seed's phrase, or our default).
import { describe, expect, it } from 'vitest';
import { regionProfile } from '../../config/regions';
import { profileValues } from '../../config/provenance';
import { aspectScore, financeTargetReview, reviewerOf, routeApplication } from '../../contracts/preAssessment/rules';
import { PreAssessmentProfile } from '../../contracts/preAssessment/profile.zod';

const YUAN = 100;
const quiet = { warn: () => {} };
const profile = (region: string) => regionProfile(region, quiet).preAssessment;
const who = (region: string, yuan: number, isNew: boolean, extra: { midYear?: boolean; majorDevelopment?: boolean } = {}) => {
  const p = profile(region);
  const route = routeApplication({ amountFen: Math.round(yuan * YUAN), isNew, ...extra }, p);
  return route === 'targetReview' ? 'targetReview' : `${route} by ${reviewerOf(route, p)}`;
};

describe('who needs a pre-assessment, and who reviews it, per region', () => {
  it('Inner Mongolia (000): a new project of exactly 5,000,000 yuan is not "above"; 5,000,000.01 is, and finance assesses it', () => {
    expect(who('inner-mongolia', 5_000_000, true)).toBe('targetReview');
    expect(who('inner-mongolia', 5_000_000.01, true)).toBe('key by finance');
    expect(who('inner-mongolia', 5_000_001, true)).toBe('key by finance');
    expect(who('inner-mongolia', 50_000_000, false)).toBe('targetReview'); // continuing: target review only
  });

  it('Xinjiang (003): every project budget request, without a threshold: 0.01 yuan continuing is assessed too', () => {
    expect(who('xinjiang', 0.01, false)).toBe('general by department');
    expect(who('xinjiang', 999_999.99, true)).toBe('general by department');
    expect(who('xinjiang', 1_000_000, false)).toBe('key by finance');
    expect(who('xinjiang', 5_000_000, true)).toBe('key by finance');
  });

  it('Wuhai (004): a 500,000-yuan project goes to the finance bureau, not to the department; so does every other', () => {
    expect(who('wuhai', 500_000, false)).toBe('general by finance');
    expect(who('wuhai', 999_999.99, true)).toBe('general by finance');
    expect(who('wuhai', 1_000_000, true)).toBe('key by finance');
    expect(financeTargetReview({ amountFen: 1, isNew: false }, profile('wuhai'))).toBe('performance'); // every department's targets
  });

  it('Altay (001): every new project of the annual request; under 1,000,000 yuan general, 1,000,000 (含) key', () => {
    expect(who('altay', 0.01, true)).toBe('general by department');
    expect(who('altay', 999_999.99, true)).toBe('general by department');
    expect(who('altay', 1_000_000, true)).toBe('key by finance');
    expect(who('altay', 5_000_001, false)).toBe('targetReview');
  });

  it('Altay (001): a mid-year addition (年中追加) needs one only as a new major 事业发展类 project; Inner Mongolia treats it as the annual request (ours)', () => {
    expect(who('altay', 2_000_000, true, { midYear: true })).toBe('targetReview');
    expect(who('altay', 2_000_000, true, { midYear: true, majorDevelopment: true })).toBe('key by finance');
    expect(who('inner-mongolia', 6_000_000, true, { midYear: true })).toBe('key by finance');
  });

  it('a run started before the profile had generalReviewBy, midYear or targetReview keeps its old routing', () => {
    const old: Parameters<typeof routeApplication>[1] = { requiredForAll: true, mandatoryAboveFen: 0, keyAssessmentFromFen: 100_000_000 };
    expect(routeApplication({ amountFen: 50_000_000, isNew: false, midYear: true }, old)).toBe('general');
    expect(reviewerOf('general', old)).toBe('department');
    expect(financeTargetReview({ amountFen: 1, isNew: true }, old)).toBeNull();
  });
});

describe('the five aspects: findings per 004, points on a scale of ours', () => {
  const five = (score?: number) => Object.fromEntries(['necessity', 'economy', 'targets', 'feasibility', 'financing'].map((k) => [k, { score, finding: 'x' }]));
  it('18 of 20 points in each aspect is 90 of 100; the scale is configurable; findings without points give no score', () => {
    expect(aspectScore(five(18), 20)).toBe(90);
    expect(aspectScore(five(9), 10)).toBe(90);
    expect(aspectScore(five(18), null)).toBeNull(); // findings only
    expect(aspectScore(five(), 20)).toBeNull();
    expect(aspectScore(five(18), undefined)).toBe(90); // a run whose profile predates the scale: 20 as before
  });
  it('the defaults are ours: 20 points, 5 revision rounds, finance performance division after the department', () => {
    const p = PreAssessmentProfile.parse({ requiredForAll: false, mandatoryAboveFen: 0, keyAssessmentFromFen: 0, reviewDueDays: 10, reminderBeforeDays: 2 });
    expect(p).toMatchObject({ aspectMaxPoints: 20, maxRevisions: 5, generalReviewBy: 'department', midYear: 'asAnnual', targetReview: { financeBy: 'performance' } });
    expect(PreAssessmentProfile.parse({ ...p, aspectMaxPoints: null }).aspectMaxPoints).toBeNull();
  });
});

describe('where each pre-assessment value comes from', () => {
  const origin = (region: string, path: string) => profileValues(regionProfile(region, quiet), 'preAssessment').find((v) => v.path === `preAssessment.${path}`);

  it('Inner Mongolia cites 000 for its gate and 002 for finance reviewing targets, and nothing else: the rest is ours', () => {
    expect(origin('inner-mongolia', 'mandatoryAboveFen')).toMatchObject({ value: 500_000_000, source: { seed: '000', phrase: expect.stringContaining('超过500万元') } });
    expect(origin('inner-mongolia', 'targetReview.financeBy')?.source?.seed).toBe('002');
    for (const path of ['keyAssessmentFromFen', 'reviewDueDays', 'reminderBeforeDays', 'maxRevisions', 'aspectMaxPoints', 'bulkTargetReviewBelowFen', 'signOff.mode']) {
      expect(origin('inner-mongolia', path), path).toMatchObject({ source: null, origin: 'default (ours)' });
    }
  });

  it('each region cites its own seed for what its seed states', () => {
    expect(origin('xinjiang', 'requiredForAll')).toMatchObject({ value: true, source: { seed: '003' } });
    expect(origin('wuhai', 'generalReviewBy')).toMatchObject({ value: 'finance', source: { seed: '004' } });
    expect(origin('altay', 'keyAssessmentFromFen')).toMatchObject({ value: 100_000_000, source: { seed: '001', phrase: expect.stringContaining('100万元(含)以上') } });
    expect(origin('altay', 'midYear')).toMatchObject({ value: 'newMajorDevelopment', source: { seed: '001' } });
  });

  it('review days, reminder days and revision rounds are in every profile', () => {
    for (const r of ['inner-mongolia', 'altay', 'xinjiang', 'wuhai']) {
      const paths = profileValues(regionProfile(r, quiet), 'preAssessment').map((v) => v.path);
      expect(paths).toEqual(expect.arrayContaining(['preAssessment.reviewDueDays', 'preAssessment.reminderBeforeDays', 'preAssessment.maxRevisions', 'preAssessment.aspectMaxPoints']));
    }
  });
});

describe('values that are ours, shown as ours', () => {
  const origin = (region: string, path: string) => profileValues(regionProfile(region, quiet), 'preAssessment').find((v) => v.path === path);

  it.each(['inner-mongolia', 'altay', 'xinjiang'])('%s: continuing projects below 1,000,000 yuan keep their target review with the department: a profile value, default (ours), no seed', (region) => {
    const v = origin(region, 'preAssessment.targetReview.financeFromFen');
    expect(v).toMatchObject({ value: 100_000_000, source: null, origin: 'default (ours)' });
    // the rule reads it: 999,999.99 yuan continuing stays with the department, 1,000,000 reaches finance
    expect(financeTargetReview({ amountFen: 99_999_999, isNew: false }, profile(region))).toBeNull();
    expect(financeTargetReview({ amountFen: 100_000_000, isNew: false }, profile(region))).toBe('performance');
  });

  it('Wuhai (004): every department’s targets reach finance (0), and revised reports go to the budget division, both from 004', () => {
    expect(origin('wuhai', 'preAssessment.targetReview.financeFromFen')).toMatchObject({ value: 0, source: { seed: '004' } });
    expect(origin('wuhai', 'preAssessment.revisedReportsTo')).toMatchObject({ value: 'finance_budget@FIN', source: { seed: '004' } });
    expect(origin('wuhai', 'preAssessment.revisedReportsTo')?.origin).toContain('预算科');
    expect(origin('inner-mongolia', 'preAssessment.revisedReportsTo')).toMatchObject({ value: 'finance_budget@FIN', origin: 'default (ours)' });
  });
});
