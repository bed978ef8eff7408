// Every region has a warning profile that says honestly who raises a warning there: where a round
// answers a deviation with a warning (monitoring.response 'warning') rounds and forms raise one; where
// it pushes to rectification instead (Xinjiang, 003) neither does, and the profile says so.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { regionIds, regionProfile } from '../../config/regions';

const dir = join(import.meta.dirname, '..', '..', 'config', 'regions');

describe.each(regionIds())('region %s: its warning profile', (id) => {
  const profile = regionProfile(id, { warn: () => {} });

  it('has its own file (config/regions/<region>/warning.json)', () => {
    expect(existsSync(join(dir, id, 'warning.json'))).toBe(true);
  });

  it("raises warnings from rounds and forms exactly when its rounds answer with a warning", () => {
    const fromRounds = profile.monitoring.response === 'warning';
    expect(profile.warning.raisedBy.includes('round')).toBe(fromRounds);
    expect(profile.warning.raisedBy.includes('form')).toBe(fromRounds);
  });

  it('cites a seed for who raises its warnings, or leaves it ours', () => {
    const src = profile.sources['warning.raisedBy'];
    if (src) expect(['000', '001', '003']).toContain(src.seed);
    else expect(profile.warning.raisedBy).toEqual(['round', 'form', 'hand']);
  });
});

it('Xinjiang pushes to rectification (003): no warning from its rounds, only by hand', () => {
  const xj = regionProfile('xinjiang', { warn: () => {} });
  expect(xj.monitoring.response).toBe('rectification');
  expect(xj.warning.raisedBy).toEqual(['hand']);
  expect(xj.sources['warning.raisedBy']).toMatchObject({ seed: '003' });
});
