import { describe, expect, it } from 'vitest';
import type { EventFacts } from '../storage/repository.ts';
import { VoteLedger } from './vote-ledger.ts';

const PHOTO = 'a'.repeat(64);
let clock = Date.parse('2026-03-01T09:00:00Z');
let serial = 0;

function fact(deviceId: string, fields: Partial<EventFacts> & Pick<EventFacts, 'type'>): EventFacts {
  clock += 1000;
  serial += 1;
  return {
    id: `00000000-0000-7000-8000-${String(serial).padStart(12, '0')}`,
    deviceId,
    photoId: PHOTO,
    tagKeys: [],
    verdict: null,
    at: new Date(clock),
    score: null,
    retracts: null,
    ...fields,
  };
}

const verdict = (device: string, tag: string, value: 'correct' | 'wrong', score: number | null = null) =>
  fact(device, { type: 'tag-verdict', tagKeys: [tag], verdict: value, score });
const labels = (ledger: VoteLedger) =>
  Object.fromEntries(ledger.allVotes().map((vote) => [`${vote.deviceId} ${vote.tagKey}`, vote.label]));

describe('VoteLedger', () => {
  it('turns verdicts, added tags and whole-photo confirmations into one vote per device, photo and tag', () => {
    const ledger = new VoteLedger();
    ledger.apply([
      verdict('d1', 'coco:dog', 'correct', 0.9),
      verdict('d1', 'coco:cat', 'wrong', 0.4),
      fact('d2', { type: 'tag-added', tagKeys: ['text:Leash'] }),
      fact('d2', { type: 'photo-confirmed', tagKeys: ['coco:dog', 'coco:cat'] }),
    ]);
    expect(labels(ledger)).toEqual({ 'd1 coco:dog': 1, 'd1 coco:cat': 0, 'd2 text:leash': 1, 'd2 coco:dog': 1, 'd2 coco:cat': 1 });
    expect(ledger.votes).toBe(5);
    expect(ledger.scoreOf(PHOTO, 'coco:dog')).toBe(0.9);
  });

  it('lets a later act replace an earlier one, whatever order they arrive in', () => {
    const ledger = new VoteLedger();
    const first = verdict('d1', 'coco:dog', 'correct');
    const second = verdict('d1', 'coco:dog', 'wrong');
    ledger.apply([second]);
    const update = ledger.apply([first]);
    expect(labels(ledger)).toEqual({ 'd1 coco:dog': 0 });
    expect(update.votes).toEqual([]);
  });

  it('takes a retracted act back and restores the answer it replaced; a device cannot retract another device’s act', () => {
    const ledger = new VoteLedger();
    const yes = verdict('d1', 'coco:dog', 'correct');
    const no = verdict('d1', 'coco:dog', 'wrong');
    const other = verdict('d2', 'coco:dog', 'correct');
    ledger.apply([yes, no, other]);
    const update = ledger.apply([fact('d1', { type: 'feedback-retracted', retracts: no.id }), fact('d1', { type: 'feedback-retracted', retracts: other.id })]);
    expect(labels(ledger)).toEqual({ 'd1 coco:dog': 1, 'd2 coco:dog': 1 });
    expect(update.votes.map((change) => [change.deviceId, change.vote?.label])).toEqual([['d1', 1]]);
    const undoAll = ledger.apply([fact('d1', { type: 'feedback-retracted', retracts: yes.id })]);
    expect(undoAll.votes).toEqual([{ deviceId: 'd1', photoId: PHOTO, tagKey: 'coco:dog', vote: null }]);
    expect(ledger.votes).toBe(1);
  });

  it('honours a retraction that arrives before the act it takes back', () => {
    const ledger = new VoteLedger();
    const act = verdict('d1', 'coco:dog', 'correct');
    ledger.apply([fact('d1', { type: 'feedback-retracted', retracts: act.id })]);
    expect(ledger.apply([act]).votes).toEqual([]);
    expect(ledger.allVotes()).toEqual([]);
  });

  it('groups free-text tags by their normalised text and counts merged ones as the vocabulary tag', () => {
    const ledger = new VoteLedger(new Map([['text:doggo', 'coco:dog']]));
    ledger.apply([
      fact('d1', { type: 'tag-added', tagKeys: ['text:ＤＯＧＧＯ '] }),
      fact('d2', { type: 'tag-added', tagKeys: ['text:“Corgi”'] }),
      fact('d3', { type: 'tag-added', tagKeys: ['text:corgi'] }),
    ]);
    expect(labels(ledger)).toEqual({ 'd1 coco:dog': 1, 'd2 text:corgi': 1, 'd3 text:corgi': 1 });
  });

  it('reports only what changed, and keeps the newest model score', () => {
    const ledger = new VoteLedger();
    ledger.apply([verdict('d1', 'coco:dog', 'correct', 0.7)]);
    const update = ledger.apply([verdict('d1', 'coco:dog', 'correct', 0.2), verdict('d2', 'coco:dog', 'wrong')]);
    expect(update.votes.map((change) => change.deviceId)).toEqual(['d2']);
    expect(update.scores).toEqual([{ photoId: PHOTO, tagKey: 'coco:dog', score: 0.2 }]);
    expect(ledger.allScores()).toEqual([{ photoId: PHOTO, tagKey: 'coco:dog', score: 0.2 }]);
  });
});
