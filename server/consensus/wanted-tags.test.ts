import { describe, expect, it } from 'vitest';
import { MAX_NEED_TAGS, needOf, TagNeedSchema, UNKNOWN_NEED } from '../contract/sync.ts';
import { aggregate } from './aggregate.ts';
import type { Vote } from './types.ts';
import { storedNeed, tagNeed, tagNeeds, wantedList } from './wanted-tags.ts';

const evidence = (tagKey: string, items: number, confident: number, disputed = 0) => ({ tagKey, items, confident, disputed });

describe('tagNeed', () => {
  it('is 1 without evidence and 0 with enough confident, undisputed items', () => {
    expect(tagNeed(evidence('a', 0, 0))).toBe(1);
    expect(tagNeed(evidence('a', 30, 30))).toBe(0);
    expect(tagNeed(evidence('a', 300, 300))).toBe(0);
  });

  it('grows with each reason: missing evidence, unsure items, disputed items', () => {
    expect(tagNeed(evidence('a', 15, 15))).toBeCloseTo(0.5);
    expect(tagNeed(evidence('a', 40, 30))).toBeCloseTo(0.25);
    expect(tagNeed(evidence('a', 40, 40, 10))).toBeCloseTo(0.25);
    expect(tagNeed(evidence('a', 40, 30, 10))).toBeCloseTo(1 - 0.75 * 0.75);
  });
});

describe('tagNeeds', () => {
  it('gives every tag nobody answered the same need, whatever its key: none is preferred', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `tag-${String(i).padStart(4, '0')}`);
    expect(tagNeeds(keys.map((key) => evidence(key, 0, 0)), null)).toEqual(UNKNOWN_NEED);
  });

  it('lists at most MAX_NEED_TAGS tags, those whose need differs most from the one most tags share', () => {
    const unanswered = Array.from({ length: 600 }, (_, i) => evidence(`none-${i}`, 0, 0));
    const answered = Array.from({ length: 300 }, (_, i) => evidence(`some-${i}`, 30, 30 - (i % 30)));
    const need = tagNeeds([...answered, ...unanswered], null);
    expect(TagNeedSchema.parse(need)).toEqual(need);
    expect(need.others).toBe(1);
    expect(need.tags).toHaveLength(MAX_NEED_TAGS);
    // The 100 best answered (ten tags each with 30 … 21 confident items of 30), most needed first;
    // the other answered tags are closer to the unanswered ones' need than these.
    expect(need.tags.map((tag) => tag.need)).toEqual([...need.tags.map((tag) => tag.need)].sort((a, b) => b - a));
    expect(need.tags[0].need).toBe(0.51);
    expect(need.tags.at(-1)?.need).toBe(0);
  });

  it('counts any tag as one nobody answered when every tag may be asked about', () => {
    expect(tagNeeds([evidence('coco:dog', 40, 40)], null)).toEqual({ tags: [{ tag: 'coco:dog', need: 0 }], others: 1 });
  });

  it('leaves out tags nobody may be asked about', () => {
    const need = tagNeeds([evidence('coco:dog', 40, 40), evidence('text:junk', 0, 0)], new Set(['coco:dog']));
    expect(need).toEqual({ tags: [], others: 0 });
  });

  it('tells apps from before need which tags are needed more than the rest', () => {
    const need = tagNeeds([evidence('a', 30, 30), evidence('b', 30, 30), evidence('c', 30, 15), evidence('d', 0, 0)], new Set(['a', 'b', 'c', 'd']));
    expect(need).toEqual({ tags: [{ tag: 'd', need: 1 }, { tag: 'c', need: 0.75 }], others: 0 });
    expect(wantedList(need)).toEqual(['d', 'c']);
  });
});

describe('storedNeed', () => {
  it('reads a run stored before need (a list of tags) as nothing known', () => {
    expect(storedNeed(['coco:airplane', 'coco:apple'])).toEqual(UNKNOWN_NEED);
    expect(storedNeed({ tags: [{ tag: 'coco:dog', need: 0.2 }], others: 1 })).toEqual({ tags: [{ tag: 'coco:dog', need: 0.2 }], others: 1 });
  });
});

describe('need from a replayed vote log', () => {
  /** Three devices over 60 photos: they agree on dogs, one of them disputes half of the cats, and they answered birds on 6 photos only. */
  function replay(): Vote[] {
    const votes: Vote[] = [];
    const vote = (deviceId: string, photo: number, tagKey: string, label: number) =>
      votes.push({ deviceId, photoId: `p${photo}`, tagKey, label: label ? 1 : 0, at: votes.length * 7000 });
    for (let photo = 0; photo < 60; photo++) {
      for (const device of ['A', 'B', 'C']) vote(device, photo, 'dog', photo % 3 === 0 ? 1 : 0);
      // A and B see cats on photos 0 and 1 of every four, C on photos 1 and 2.
      for (const device of ['A', 'B', 'C']) vote(device, photo, 'cat', Number(device === 'C' ? photo % 4 === 1 || photo % 4 === 2 : photo % 4 < 2));
      if (photo < 6) for (const device of ['A', 'B', 'C']) vote(device, photo, 'bird', photo % 2);
    }
    return votes;
  }

  it('needs most the tags nobody answered, then the few answered, then the disputed, least the settled', () => {
    const { need } = aggregate(replay(), [], { tags: ['bird', 'cat', 'dog', 'horse', 'kite'] });
    expect(['horse', 'kite', 'bird', 'cat', 'dog'].map((tag) => needOf(need, tag))).toEqual([1, 1, 0.8, 0.5, 0]);
  });
});
