// The expert library's draw for a key evaluation's fieldwork (004): seeded, and an expert who
// declared a conflict with the department or unit is never drawn for it.
import { describe, expect, it } from 'vitest';
import { drawExperts, type Expert } from '../../contracts/evaluation/experts';

const library: Expert[] = Array.from({ length: 12 }, (_, i) => ({
  id: `E${String(i + 1).padStart(2, '0')}`,
  fields: i % 2 ? ['教育'] : ['卫生', '财务'],
  conflicts: i === 3 ? ['D01'] : i === 5 ? ['U0102'] : [],
}));

describe('drawing experts for a fieldwork', () => {
  it('never draws an expert with a declared conflict with the department, whatever the seed', () => {
    for (let seed = 0; seed < 500; seed++) {
      const d = drawExperts(library, { n: 3, fields: ['教育'], deptId: 'D01', unitId: 'U0102' }, seed);
      expect(d.experts).not.toContain('E04');
      expect(d.experts).not.toContain('E06');
      expect(d.recused).toEqual(['E04', 'E06']);
      expect(d.experts).toHaveLength(3);
      expect(new Set(d.experts).size).toBe(3);
    }
  });

  it('draws the same experts for the same seed, only from the fields asked for, and says when the library is short', () => {
    const a = drawExperts(library, { n: 3, fields: ['卫生'], deptId: 'D02' }, 77);
    expect(drawExperts([...library].reverse(), { n: 3, fields: ['卫生'], deptId: 'D02' }, 77)).toEqual(a);
    expect(a.experts.every((id) => library.find((e) => e.id === id)?.fields.includes('卫生'))).toBe(true);
    const short = drawExperts(library, { n: 8, fields: ['教育'], deptId: 'D01', unitId: 'U0102' }, 1);
    expect(short).toMatchObject({ short: 4 });
    expect(short.experts).toHaveLength(4);
  });
});
