import { describe, expect, it } from 'vitest';
import { aggregate, ConsensusEngine } from './aggregate.ts';
import { DEFAULT_CROWD, generateCrowd } from './simulate-crowd.ts';
import type { ConsensusResult, ModelScore, Vote } from './types.ts';

const ITEMS = 60;
/** Known truth: every third photo has a dog. */
const truth = (photo: number) => (photo % 3 === 0 ? 1 : 0);

/**
 * Careful A answers photos 0–39, careful B photos 20–59, adversary C answers all of them the
 * opposite way: outside the overlap every photo is one careful vote against one hostile vote, a tie
 * for majority vote.
 */
function twoCarefulOneAdversary(): Vote[] {
  const votes: Vote[] = [];
  const vote = (deviceId: string, photo: number, label: number) =>
    votes.push({ deviceId, photoId: `p${photo}`, tagKey: 'dog', label: label ? 1 : 0, at: votes.length * 5000 });
  for (let photo = 0; photo < ITEMS; photo++) {
    if (photo < 40) vote('A', photo, truth(photo));
    if (photo >= 20) vote('B', photo, truth(photo));
    vote('C', photo, 1 - truth(photo));
  }
  return votes;
}

const device = (result: ConsensusResult, id: string) => result.devices.find((d) => d.deviceId === id)!;
const item = (result: ConsensusResult, photo: number) => result.items.find((i) => i.photoId === `p${photo}`)!;
const wrongItems = (result: ConsensusResult) =>
  result.items.filter((i) => (i.probability >= 0.5 ? 1 : 0) !== truth(Number(i.photoId.slice(1)))).map((i) => i.photoId);

describe('aggregate', () => {
  it('sides with two careful devices against an adversary, and quarantines the adversary', () => {
    const result = aggregate(twoCarefulOneAdversary(), []);
    expect(wrongItems(result)).toEqual([]);
    expect(device(result, 'C').quarantine?.reason).toBe('opposite');
    expect(device(result, 'C').reliability).toBeLessThan(0);
    for (const id of ['A', 'B']) {
      expect(device(result, id).quarantine).toBeNull();
      // 40 answers earn about half of the trust a careful device ends with.
      expect(device(result, id).reliability).toBeGreaterThan(0.4);
    }
    // Its votes no longer count: a photo only A answered rests on A alone.
    expect(item(result, 3).votes).toBe(1);
  });

  it('trusts a new device little: its answer alone leaves a photo unsure', () => {
    const result = aggregate([{ deviceId: 'new', photoId: 'p', tagKey: 'dog', label: 1, at: 0 }], []);
    expect(device(result, 'new').reliability).toBeGreaterThan(0);
    expect(device(result, 'new').reliability).toBeLessThan(0.25);
    expect(device(result, 'new').quarantine).toBeNull();
    expect(result.items[0].probability).toBeGreaterThan(0.3);
    expect(result.items[0].probability).toBeLessThan(0.7);
  });

  it('does not let six new devices outvote three established ones on 19 photos, nor set them aside', () => {
    // Three honest devices have answered about dogs and cats on 30 photos; six new ones, with 19
    // answers each (too few for the quarantine rules to judge them), say the opposite of them on 19 more.
    const votes: Vote[] = [];
    const vote = (deviceId: string, photoId: string, tagKey: string, label: number) =>
      votes.push({ deviceId, photoId, tagKey, label: label ? 1 : 0, at: votes.length * 5000 });
    const honest = ['H1', 'H2', 'H3'];
    for (const id of honest) {
      for (let photo = 0; photo < 30; photo++) {
        vote(id, `old${photo}`, 'dog', truth(photo));
        vote(id, `old${photo}`, 'cat', truth(photo + 1));
      }
    }
    const established = votes.length;
    for (const id of [...honest, 'N1', 'N2', 'N3', 'N4', 'N5', 'N6']) {
      for (let photo = 0; photo < 19; photo++) vote(id, `p${photo}`, 'dog', id.startsWith('H') ? truth(photo) : 1 - truth(photo));
    }
    const engine = new ConsensusEngine();
    engine.add(votes.slice(0, established));
    for (const result of [aggregate(votes, []), engine.add(votes.slice(established))]) {
      expect(wrongItems({ ...result, items: result.items.filter((i) => /^p\d/.test(i.photoId)) })).toEqual([]);
      for (const id of honest) {
        expect(device(result, id).quarantine).toBeNull();
        expect(result.alerts.flatMap((alert) => alert.devices)).not.toContain(id);
      }
    }
  });

  it('marks confident model mistakes as hard and needs answers about tags with few confident labels', () => {
    const votes = twoCarefulOneAdversary();
    // A tag only one device answered once: nowhere near confident.
    votes.push({ deviceId: 'A', photoId: 'p1', tagKey: 'cat', label: 1, at: 1e9 });
    // Photos both careful devices answered: p21 has a dog, p22 and p23 do not.
    const scores: ModelScore[] = [
      { photoId: 'p21', tagKey: 'dog', score: 0.02 },
      { photoId: 'p22', tagKey: 'dog', score: 0.95 },
      { photoId: 'p23', tagKey: 'dog', score: 0.01 },
    ];
    const result = aggregate(votes, scores, { tags: ['dog', 'cat', 'bird'] });
    expect(result.items.filter((i) => i.hard).map((i) => i.photoId)).toEqual(['p21', 'p22']);
    // Nobody answered "bird", and "cat" once; "dog" is confident on most photos, even where one careful device answered alone.
    // (The adversary is set aside, so no item is disputed.) Bird and cat share need 1, sent once.
    expect(result.need).toEqual({ tags: [{ tag: 'dog', need: 0 }], others: 1 });
  });

  it('converges to the same answer every time for a seed', () => {
    const crowd = generateCrowd({ ...DEFAULT_CROWD, photos: 300, devices: 60, seed: 5 });
    const strip = ({ ms: _ms, ...rest }: ConsensusResult) => rest;
    const first = aggregate(crowd.votes, crowd.scores);
    expect(strip(aggregate(crowd.votes, crowd.scores))).toEqual(strip(first));
    // Converged: taking in nothing new moves nothing.
    const engine = new ConsensusEngine();
    engine.add(crowd.votes, crowd.scores);
    expect(engine.add([]).iterations).toBe(0);
  });
});

describe('ConsensusEngine', () => {
  it('matches a full recompute when votes arrive in batches', () => {
    const crowd = generateCrowd({ ...DEFAULT_CROWD, photos: 600, devices: 120, seed: 3 });
    const engine = new ConsensusEngine();
    const batch = Math.ceil(crowd.votes.length / 4);
    engine.add(crowd.votes.slice(0, batch), crowd.scores);
    for (let from = batch; from < crowd.votes.length; from += batch) engine.add(crowd.votes.slice(from, from + batch));
    const incremental = engine.result();
    const full = aggregate(crowd.votes, crowd.scores);

    const byKey = new Map(full.items.map((i) => [`${i.photoId}|${i.tagKey}`, i.probability]));
    const gaps = incremental.items.map((i) => Math.abs(i.probability - byKey.get(`${i.photoId}|${i.tagKey}`)!));
    expect(incremental.items).toHaveLength(full.items.length);
    expect(gaps.reduce((most, gap) => Math.max(most, gap), 0)).toBeLessThan(0.02);
    const quarantined = (result: ConsensusResult) => result.devices.filter((d) => d.quarantine).map((d) => d.deviceId).sort();
    expect(quarantined(incremental)).toEqual(quarantined(full));
    expect(quarantined(full).length).toBeGreaterThan(0);
  });

  it('stops setting aside and releasing devices on a rule\'s threshold: runs with nothing new soon change nothing', () => {
    // Setting such a device aside moves consensus just enough to clear it, and releasing it moves it
    // back: every run used to flip a few dozen devices until MAX_ROUNDS, re-estimating consensus each time.
    const crowd = generateCrowd({ ...DEFAULT_CROWD, photos: 5000, devices: 500, seed: 3, questionsPerPhoto: 2, votersPerQuestion: 5 });
    const engine = new ConsensusEngine();
    const quarantined = (result: ConsensusResult) => result.devices.filter((d) => d.quarantine).map((d) => d.deviceId);
    engine.add(crowd.votes, crowd.scores);
    const second = engine.add([]);
    const third = engine.add([]);
    expect(third.iterations).toBe(0);
    expect(quarantined(third)).toEqual(quarantined(second));
  });

  it("a device's newer answer replaces its older one", () => {
    const engine = new ConsensusEngine();
    engine.add([{ deviceId: 'A', photoId: 'p', tagKey: 'dog', label: 1, at: 1 }]);
    const result = engine.add([{ deviceId: 'A', photoId: 'p', tagKey: 'dog', label: 0, at: 2 }]);
    expect(result.items).toHaveLength(1);
    expect(result.items[0].votes).toBe(1);
    expect(result.items[0].probability).toBeLessThan(0.5);
  });

  it('an admin release includes the device again, and a ban excludes it', () => {
    const engine = new ConsensusEngine();
    engine.add(twoCarefulOneAdversary());
    expect(item(engine.result(), 3).votes).toBe(1);

    engine.setStatus('C', 'active');
    const released = engine.result();
    expect(device(released, 'C').quarantine).toBeNull();
    expect(item(released, 3).votes).toBe(2);
    // Still released after more votes: the rules do not overrule the admin.
    engine.add([{ deviceId: 'C', photoId: 'p0', tagKey: 'cat', label: 1, at: 1e9 }]);
    expect(item(engine.result(), 3).votes).toBe(2);

    engine.setStatus('A', 'banned');
    const banned = engine.result();
    expect(item(banned, 3).votes).toBe(1);
    expect(device(banned, 'A').votes).toBe(40);
  });
});

describe('ConsensusEngine.audit', () => {
  const logOdds = (p: number) => Math.log(p / (1 - p));
  /** What the audit says adds up to the item's estimate: prior + model + counted answers. */
  const counted = (tag: NonNullable<ReturnType<ConsensusEngine['audit']>>[number]) =>
    tag.prior + (tag.model?.weight ?? 0) + tag.answers.filter((a) => a.status === 'active' || a.status === 'released').reduce((sum, a) => sum + a.weight, 0);

  it("gives each answer's weight and its device's status, and they add up to the photo's estimate", () => {
    const engine = new ConsensusEngine();
    engine.add(twoCarefulOneAdversary(), [{ photoId: 'p22', tagKey: 'dog', score: 0.9 }]);
    expect(engine.audit('p99')).toBeNull();

    // p22 has no dog: careful A and B say absent, the adversary C present; the model was wrong.
    const [dog] = engine.audit('p22')!;
    expect(dog).toMatchObject({ tagKey: 'dog', probability: item(engine.result(), 22).probability, model: { score: 0.9, weight: expect.any(Number) } });
    expect(dog.model!.weight).toBeGreaterThan(0);
    const byDevice = new Map(dog.answers.map((a) => [a.deviceId, a]));
    expect(byDevice.get('A')).toMatchObject({ answer: 'absent', status: 'active' });
    expect(byDevice.get('B')).toMatchObject({ answer: 'absent', status: 'active' });
    expect(byDevice.get('C')).toMatchObject({ answer: 'present', status: 'quarantined' });
    // Careful devices' "absent" weighs towards absent; the adversary's "present" would too: it answers the opposite.
    expect(byDevice.get('B')!.weight).toBeLessThan(-1);
    expect(byDevice.get('C')!.weight).toBeLessThan(0);
    expect(counted(dog)).toBeCloseTo(logOdds(dog.probability), 1);
    // A photo without a model score: the model was no voter there.
    expect(engine.audit('p3')![0].model).toBeNull();
  });

  it('shows released and banned devices as such, counting the released and not the banned', () => {
    const engine = new ConsensusEngine();
    engine.add(twoCarefulOneAdversary());
    engine.setStatus('C', 'active');
    engine.setStatus('A', 'banned');
    const [dog] = engine.audit('p22')!;
    const status = Object.fromEntries(dog.answers.map((a) => [a.deviceId, a.status]));
    expect(status).toEqual({ A: 'banned', B: 'active', C: 'released' });
    expect(counted(dog)).toBeCloseTo(logOdds(dog.probability), 1);
  });
});
