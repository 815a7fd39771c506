import { describe, expect, it } from 'vitest';
import { judge, medianGap, type DeviceEvidence } from './quarantine.ts';

/** A careful device: 100 answers, 30 of 40 present and 57 of 60 absent items agreed. */
const careful: DeviceEvidence = {
  votes: 100,
  answeredPresent: 33,
  othersPresent: 40,
  agreedPresent: 38,
  othersAbsent: 60,
  agreedAbsent: 57,
  worstTag: { tagKey: 'dog', judged: 10, agreed: 9 },
  medianGapMs: 3000,
};

describe('judge', () => {
  it('leaves careful and new devices alone', () => {
    expect(judge(careful)).toBeNull();
    expect(judge({ ...careful, votes: 5, medianGapMs: 10, agreedPresent: 0, agreedAbsent: 0 })).toBeNull();
  });

  it('finds each kind of dishonest device, with evidence', () => {
    expect(judge({ ...careful, medianGapMs: 150 })).toMatchObject({ reason: 'too-fast', evidence: expect.stringContaining('150 ms') });
    expect(judge({ ...careful, answeredPresent: 0, agreedPresent: 0, agreedAbsent: 60 })?.reason).toBe('constant');
    expect(judge({ ...careful, agreedPresent: 3, agreedAbsent: 4 })?.reason).toBe('opposite');
    expect(judge({ ...careful, agreedPresent: 20, agreedAbsent: 30 })).toMatchObject({ reason: 'chance' });
    expect(judge({ ...careful, worstTag: { tagKey: 'cat', judged: 20, agreed: 1 } })).toMatchObject({
      reason: 'opposite',
      evidence: expect.stringContaining('"cat"'),
    });
  });
});

describe('medianGap', () => {
  it('is the median time between consecutive answers, whatever their order', () => {
    const times = Float64Array.from({ length: 21 }, (_, i) => (20 - i) * 1000);
    expect(medianGap(times)).toBe(1000);
    expect(medianGap(new Float64Array(5))).toBeNaN();
  });
});
