import { describe, expect, it } from 'vitest';
import { holdBackCascades, judge, medianGap, type DeviceEvidence, type Quarantine } from './quarantine.ts';

/** A careful device: 100 answers, 38 of 40 present and 57 of 60 absent items agreed. */
const careful: DeviceEvidence = {
  votes: 100,
  answeredPresent: 33,
  othersPresent: 40,
  agreedPresent: 38,
  othersAbsent: 60,
  agreedAbsent: 57,
  tags: [{ tagKey: 'dog', judged: 10, agreed: 9 }],
  medianGapMs: 3000,
};

const reasons = (found: Quarantine[]) => found.map((f) => f.reason);

describe('judge', () => {
  it('leaves careful and new devices alone', () => {
    expect(judge(careful)).toEqual([]);
    expect(judge({ ...careful, votes: 5, medianGapMs: 10, agreedPresent: 0, agreedAbsent: 0 })).toEqual([]);
  });

  it('finds each kind of dishonest device, with evidence', () => {
    expect(judge({ ...careful, medianGapMs: 150 })).toEqual([{ reason: 'too-fast', evidence: expect.stringContaining('150 ms'), tagKey: null }]);
    expect(reasons(judge({ ...careful, answeredPresent: 0, agreedPresent: 0, agreedAbsent: 60 }))[0]).toBe('constant');
    expect(reasons(judge({ ...careful, agreedPresent: 3, agreedAbsent: 4 }))[0]).toBe('opposite');
    expect(reasons(judge({ ...careful, agreedPresent: 20, agreedAbsent: 30 }))).toEqual(['chance']);
  });

  it('names every tag a device answers the opposite way, the worst first', () => {
    const found = judge({ ...careful, tags: [{ tagKey: 'cat', judged: 10, agreed: 0 }, { tagKey: 'dog', judged: 10, agreed: 9 }, { tagKey: 'bird', judged: 20, agreed: 1 }] });
    expect(found.map((f) => [f.reason, f.tagKey])).toEqual([['opposite', 'bird'], ['opposite', 'cat']]);
    expect(found[1].evidence).toContain('"cat"');
  });
});

describe('holdBackCascades', () => {
  const opposite = (tagKey: string | null): Quarantine => ({ reason: 'opposite', evidence: 'disagreed', tagKey });
  const chance: Quarantine = { reason: 'chance', evidence: 'no better than chance', tagKey: null };
  const devices = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `d${from + i}`);

  it('quarantines each device for the first rule it breaks while rules set aside less than half', () => {
    const broken = new Map<string, Quarantine[]>([['d0', [opposite('cat'), chance]], ['d1', [chance]]]);
    const { quarantined, alerts } = holdBackCascades(broken, 10, new Map([['cat', 10]]));
    expect([...quarantined].map(([device, found]) => [device, found.reason, found.tagKey])).toEqual([['d0', 'opposite', 'cat'], ['d1', 'chance', null]]);
    expect(alerts).toEqual([]);
  });

  it('holds back a rule that would set aside half of the devices that answered its tag, and says so', () => {
    // 6 of the 10 devices that answered "cat" look opposite on it; one of them is also no better than chance.
    const broken = new Map<string, Quarantine[]>(devices(6).map((device) => [device, [opposite('cat')]]));
    broken.set('d0', [opposite('cat'), chance]);
    const { quarantined, alerts } = holdBackCascades(broken, 100, new Map([['cat', 10]]));
    expect([...quarantined.keys()]).toEqual(['d0']);
    expect(quarantined.get('d0')?.reason).toBe('chance');
    expect(alerts).toEqual([{ rule: 'opposite', tagKey: 'cat', devices: devices(6), share: 0.6, evidence: expect.stringContaining('6 of the 10 active devices that answered "cat"') }]);
  });

  it('never sets aside half of the active devices, whichever rules it takes', () => {
    const broken = new Map<string, Quarantine[]>([
      ...devices(30).map((device): [string, Quarantine[]] => [device, [opposite(null)]]),
      ...devices(25, 30).map((device): [string, Quarantine[]] => [device, [chance]]),
    ]);
    const { quarantined, alerts } = holdBackCascades(broken, 100, new Map());
    // Opposite alone is 30 %, chance 25 %: together 55 %, so the larger one becomes an alert.
    expect(quarantined.size).toBe(25);
    expect(alerts.map((alert) => [alert.rule, alert.devices.length, alert.share])).toEqual([['opposite', 30, 0.3]]);
    expect(alerts[0].evidence).toContain('with the other rules half or more');
  });
});

describe('medianGap', () => {
  it('is the median time between consecutive answers, whatever their order', () => {
    const times = Float64Array.from({ length: 21 }, (_, i) => (20 - i) * 1000);
    expect(medianGap(times)).toBe(1000);
    expect(medianGap(new Float64Array(5))).toBeNaN();
  });
});
