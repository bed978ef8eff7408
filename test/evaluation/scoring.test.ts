// Self-evaluation scores and grades (自评评分): the pure rules the workflow and the API share, with
// the national default weights and bands of the region profile.
import { describe, expect, it } from 'vitest';
import { completionRatio, gradeOf, scoreSelfEvaluation, type ScoredIndicator } from '../../contracts/evaluation/scoring';
import { regionProfile } from '../../config/regions';

const { weights, grades } = regionProfile('inner-mongolia', { warn: () => undefined }).evaluation;

/** A project with one indicator per part: outputs met, benefits 2 of 3, satisfaction as given. */
const form = (benefitActual: string, satisfactionActual: string): ScoredIndicator[] => [
  { kind: 'output', name: '改造教室数量', target: '40', direction: '>=', actual: '40' },
  { kind: 'benefit', name: '受益学生人数', target: '3', direction: '>=', actual: benefitActual },
  { kind: 'satisfaction', name: '师生满意度', target: '90', direction: '>=', actual: satisfactionActual },
];

describe('the national default weights and grade bands', () => {
  it('weigh outputs 50, benefits 30, satisfaction 10 and the budget execution rate 10', () => {
    expect(weights).toEqual({ output: 50, benefit: 30, satisfaction: 10, execution: 10 });
    const full = scoreSelfEvaluation(form('3', '90'), 10_000, weights, grades);
    expect(full).toMatchObject({ output: 50, benefit: 30, satisfaction: 10, execution: 10, total: 100, grade: '优' });
  });

  it.each([
    // [what, benefit actual, satisfaction actual, execution rate bp, total, grade]
    ['outputs met, nothing else, 99.9% executed', '0', '0', 9_990, 59.99, '差'],
    ['outputs met, nothing else, fully executed', '0', '0', 10_000, 60, '中'],
    ['benefits two thirds, 99.9% executed', '2', '0', 9_990, 79.99, '中'],
    ['benefits two thirds, fully executed', '2', '0', 10_000, 80, '良'],
    ['benefits met, no satisfaction, 99.9% executed', '3', '0', 9_990, 89.99, '良'],
    ['benefits met, no satisfaction, fully executed', '3', '0', 10_000, 90, '优'],
  ])('a form with %s scores %s → %s', (_what, benefit, satisfaction, bp, total, grade) => {
    const s = scoreSelfEvaluation(form(benefit, satisfaction), bp, weights, grades);
    expect(s.total).toBe(total);
    expect(s.grade).toBe(grade);
  });

  it.each([
    [59.99, '差'],
    [60, '中'],
    [79.99, '中'],
    [80, '良'],
    [89.99, '良'],
    [90, '优'],
    [0, '差'],
    [100, '优'],
  ] as const)('a score of %s is graded %s', (score, grade) => {
    expect(gradeOf(score, grades)).toBe(grade);
  });
});

describe('the completion ratio respects the indicator’s direction', () => {
  it('a "lower is better" indicator (complaint rate ≤ 5%) is met at 4% and half met at 10%', () => {
    expect(completionRatio({ target: '5%', direction: '<=', actual: '4%' })).toBe(1);
    expect(completionRatio({ target: '5%', direction: '<=', actual: '10%' })).toBe(0.5);
    // the same values read as "higher is better" would score the other way round
    expect(completionRatio({ target: '5%', direction: '>=', actual: '4%' })).toBe(0.8);
    expect(completionRatio({ target: '5%', direction: '>=', actual: '10%' })).toBe(1);
  });

  it('a form whose cost indicator overran scores less than one that kept below it', () => {
    const cost = (actual: string): ScoredIndicator[] => [
      { kind: 'output', name: '单间改造成本', target: '15', direction: '<=', actual },
      { kind: 'benefit', name: '受益学生人数', target: '1000', direction: '>=', actual: '1000' },
      { kind: 'satisfaction', name: '满意度', target: '90', direction: '>=', actual: '95' },
    ];
    expect(scoreSelfEvaluation(cost('12'), 10_000, weights, grades).total).toBe(100);
    const overran = scoreSelfEvaluation(cost('20'), 10_000, weights, grades); // 15/20 of the output points
    expect(overran.output).toBe(37.5);
    expect(overran.total).toBe(87.5);
    expect(overran.grade).toBe('良');
  });

  it('an "exactly" indicator loses by the relative deviation; a qualitative one takes the unit’s share; none reported scores 0', () => {
    expect(completionRatio({ target: '100', direction: '=', actual: '90' })).toBeCloseTo(0.9);
    expect(completionRatio({ target: '有效提升', direction: '>=', actual: '明显提升', completionPct: 80 })).toBe(0.8);
    expect(completionRatio({ target: '40', direction: '>=', actual: null })).toBe(0);
  });

  it('a part with no indicator passes its weight to the others, so the total stays out of 100', () => {
    const s = scoreSelfEvaluation([{ kind: 'output', name: '数量', target: '10', direction: '>=', actual: '10' }], 10_000, weights, grades);
    expect(s).toMatchObject({ output: 90, benefit: 0, satisfaction: 0, execution: 10, total: 100 });
  });
});
