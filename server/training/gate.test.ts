import { describe, expect, it } from 'vitest';
import type { ModelMetrics } from '../contract/training.ts';
import { GATE_DEFAULTS, gate } from './gate.ts';

const metrics = (mAP: number, perTagAP: Record<string, number | null>, f1: Record<string, number> = {}): ModelMetrics => ({
  mAP, microF1: 0, perTagAP, perTagShown: Object.fromEntries(Object.entries(f1).map(([tag, value]) => [tag, { precision: value, recall: value, f1: value }])),
});
const taught = (tags: string[]) => ({ taught: tags, base: [] });

describe('gate', () => {
  it('publishes a clearly better candidate and says by how much', () => {
    const decision = gate(metrics(0.538, { 'text:狗': 0.7 }), metrics(0.412, { 'text:狗': 0.68 }), taught(['text:狗']), [], GATE_DEFAULTS);
    expect(decision.publish).toBe(true);
    expect(decision.reasons[0]).toBe('mAP 0.412 → 0.538 (+0.126 > 0.010)');
  });

  it('refuses a worse candidate, or one within the minimum gain', () => {
    expect(gate(metrics(0.4, {}), metrics(0.5, {}), taught([]), [], GATE_DEFAULTS)).toEqual({
      publish: false, reasons: ['mAP 0.500 → 0.400 (−0.100 ≤ 0.010)', 'micro-F1 at shown tags 0.000 → 0.000 (+0.000 ≤ 0.010)'],
    });
    expect(gate(metrics(0.505, {}), metrics(0.5, {}), taught([]), [], GATE_DEFAULTS).publish).toBe(false);
  });

  it('refuses a better mAP that costs an established tag more than the allowed drop', () => {
    const decision = gate(
      metrics(0.9, { 'text:狗': 0.6, 'text:猫': 0.9 }),
      metrics(0.5, { 'text:狗': 0.71, 'text:猫': 0.3 }),
      taught(['text:狗', 'text:猫']),
      [],
      GATE_DEFAULTS,
    );
    expect(decision.publish).toBe(false);
    expect(decision.reasons).toContain('text:狗: AP 0.71 → 0.60 (−0.11 exceeds 0.05)');
  });

  it('publishes a candidate that only drops a tag an admin refused, unless an established tag suffers', () => {
    const same = metrics(0.5, { 'text:狗': 0.7 });
    const decision = gate(same, same, taught(['text:狗']), ['text:spam'], GATE_DEFAULTS);
    expect(decision).toEqual({ publish: true, reasons: expect.arrayContaining(['removes text:spam, as an admin decided: no gain needed']) });
    expect(gate(metrics(0.5, { 'text:狗': 0.6 }), same, taught(['text:狗']), ['text:spam'], GATE_DEFAULTS).publish).toBe(false);
  });

  it('publishes a candidate that shows tags better at the same ranking: micro-F1 up, mAP as it was', () => {
    const decision = gate({ ...metrics(0.5, {}), microF1: 0.72 }, { ...metrics(0.5, {}), microF1: 0.69 }, taught([]), [], GATE_DEFAULTS);
    expect(decision).toEqual({ publish: true, reasons: ['mAP 0.500 → 0.500 (+0.000 ≤ 0.010)', 'micro-F1 at shown tags 0.690 → 0.720 (+0.030 > 0.010)'] });
  });

  it('refuses a correction that makes an established base tag worse at its shown threshold, even with a better ranking', () => {
    const established = { taught: [], base: ['coco:dog'] };
    const worse = gate(metrics(0.9, { 'coco:dog': 0.9 }, { 'coco:dog': 0.6 }), metrics(0.8, { 'coco:dog': 0.8 }, { 'coco:dog': 0.7 }), established, [], GATE_DEFAULTS);
    expect(worse.publish).toBe(false);
    expect(worse.reasons).toContain('coco:dog: F1 at the shown threshold 0.70 → 0.60 (−0.10 exceeds 0.05)');
    const better = gate(metrics(0.9, { 'coco:dog': 0.9 }, { 'coco:dog': 0.75 }), metrics(0.8, { 'coco:dog': 0.8 }, { 'coco:dog': 0.7 }), established, [], GATE_DEFAULTS);
    expect(better).toEqual({ publish: true, reasons: expect.arrayContaining(['no corrected base tag (1 with enough held-out positives) lost more than 0.05 AP or F1']) });
  });
});
