import { describe, expect, it } from 'vitest';
import type { Box, Tag } from '../../models/pipeline/types.ts';
import { chooseQuestion } from './quick-question.ts';

/** The bundle's thresholds: 0.3 for the detector's tags, 0.25 for the classifier's. */
const thresholds = new Map<string, number>();
const none = new Set<string>();

function tag(id: string, score: number, boxes?: [x: number, y: number, w: number, h: number, score: number][]): Tag {
  const threshold = id.startsWith('coco:') ? 0.3 : 0.25;
  thresholds.set(id, threshold);
  const source = id.startsWith('coco:') ? 'detector' : 'classifier';
  return { id, en: id, zh: id, score, source, shown: score >= threshold, boxes: boxes?.map(([x, y, w, h, s]): Box => ({ x, y, w, h, score: s })) };
}

/** The built bundle's results (`wanwu recognize --json --min-score 0.1`) on the photos in test/fixtures/photos, rounded. */
const whole = [1, 6, 344, 441] as const;
const scream = [
  tag('imagenet:barrel', 0.33),
  ...([['cake', 0.216], ['bed', 0.206], ['bench', 0.198], ['person', 0.189], ['train', 0.173], ['dining-table', 0.173], ['refrigerator', 0.171]] as const)
    .map(([name, score]) => tag(`coco:${name}`, score, [[...whole, score]])),
];
const horses = [
  tag('coco:horse', 0.659, [[433, 209, 170, 137, 0.659], [0, 188, 316, 225, 0.55], [245, 194, 196, 175, 0.36]]),
  tag('imagenet:ram-sheep', 0.311),
  tag('coco:cow', 0.263, [[433, 209, 170, 137, 0.263]]),
  tag('imagenet:bighorn', 0.164),
  tag('imagenet:warthog', 0.164),
  tag('coco:elephant', 0.102, [[433, 209, 170, 137, 0.102]]),
];
/** kite.jpg, but with the surfboard at a negligible score (the bundle gives it 0.255, on a board in the water). */
const kite = [
  tag('imagenet:parachute', 0.79),
  tag('coco:person', 0.594, [[212, 695, 64, 155, 0.594], [113, 613, 54, 142, 0.59], [516, 504, 19, 27, 0.37]]),
  tag('coco:kite', 0.592, [[589, 81, 80, 73, 0.592], [276, 235, 30, 44, 0.59]]),
  tag('coco:surfboard', 0.12, [[517, 509, 30, 25, 0.12], [112, 614, 55, 138, 0.11]]),
  tag('coco:bird', 0.115, [[818, 566, 24, 14, 0.115]]),
];

describe('chooseQuestion', () => {
  it('asks nothing on The Scream: cake is the best of many names for one box, at under 3/4 of its threshold', () => {
    expect(chooseQuestion(scream, thresholds, none)).toBeNull();
  });

  it('does not ask whether the horses are cows: the cow scores on a horse\'s box', () => {
    expect(chooseQuestion(horses, thresholds, none)).toBeNull();
  });

  it('does not ask about a surfboard at a negligible score on the kite photo', () => {
    expect(chooseQuestion(kite, thresholds, none)).toBeNull();
  });

  it('asks, of equally needed tags, about the one nearest its threshold', () => {
    const tags = [tag('coco:dog', 0.95, [[0, 0, 100, 100, 0.95]]), tag('coco:cat', 0.24, [[200, 0, 50, 50, 0.24]]), tag('coco:bed', 0.28, [[0, 200, 90, 60, 0.28]]), tag('imagenet:llama', 0.15)];
    expect(chooseQuestion(tags, thresholds, none)?.id).toBe('coco:bed');
    expect(chooseQuestion(tags, thresholds, none, () => 0.3)?.id).toBe('coco:bed');
  });

  it('weighs closeness by the server\'s need: a tag it has plenty of answers for gives way', () => {
    const tags = [tag('coco:bed', 0.28, [[0, 200, 90, 60, 0.28]]), tag('coco:cat', 0.24, [[200, 0, 50, 50, 0.24]]), tag('imagenet:llama', 0.15)];
    const need = (id: string) => (id === 'coco:bed' ? 0.1 : id === 'coco:cat' ? 0.9 : 1);
    expect(chooseQuestion(tags, thresholds, none, need)?.id).toBe('coco:cat');
    expect(chooseQuestion(tags, thresholds, none, () => 0)).toBeNull();
  });

  it('asks about a hidden name whose box no likelier name holds', () => {
    const tags = [...horses, tag('coco:sheep', 0.25, [[0, 400, 60, 40, 0.25]])];
    expect(chooseQuestion(tags, thresholds, none)?.id).toBe('coco:sheep');
  });

  it('never asks about shown, judged or personal tags, nor tags without a threshold', () => {
    const tags = [tag('coco:cat', 0.31, [[0, 0, 9, 9, 0.31]]), tag('coco:bed', 0.29, [[50, 50, 9, 9, 0.29]]), { ...tag('coco:dog', 0.29), source: 'personal' as const }, tag('coco:bench', 0.28)];
    const known = new Map([...thresholds].filter(([id]) => id !== 'coco:bench'));
    expect(chooseQuestion(tags, known, none)?.id).toBe('coco:bed');
    expect(chooseQuestion(tags, known, new Set(['coco:bed']))).toBeNull();
  });
});
