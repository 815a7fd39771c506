import { normaliseTagText } from '../../models/pipeline/tag-text.ts';
import type { EventFacts } from '../storage/repository.ts';
import type { ModelScore, Vote } from './types.ts';

/** A slot's vote changed: `vote` is its new value, null when no act stands any more (all retracted). */
export interface VoteChange {
  deviceId: string;
  photoId: string;
  tagKey: string;
  vote: Vote | null;
}

export interface LedgerUpdate {
  votes: VoteChange[];
  scores: ModelScore[];
  /** A retraction removed a vote or brought back an older one: an engine that keeps newer answers must start over. */
  retracted: boolean;
}

interface Act {
  id: string;
  at: number;
  label: 0 | 1;
}

/** One device's acts about one (photo, tag), the standing one last. */
interface Slot {
  deviceId: string;
  photoId: string;
  tagKey: string;
  acts: Act[];
}

/**
 * Turns stored feedback events into the votes consensus combines: one vote per device, photo and
 * tag, from that device's latest act on it that was not retracted (so undoing a correction brings
 * back the answer it replaced). Free-text tags count under their normalised text, or under the
 * vocabulary tag an admin merged them into. Events may arrive in any order and in several calls;
 * each call says which votes and model scores it changed, for the incremental engine.
 */
export class VoteLedger {
  private readonly slots = new Map<string, Slot>();
  /** Act id → the slots it voted in, for retractions. */
  private readonly slotsOfAct = new Map<string, Slot[]>();
  /** Retracted act ids, by the device that retracted them (a retraction may arrive before its act). */
  private readonly retracted = new Map<string, string>();
  private readonly scores = new Map<string, { score: number; at: number }>();
  private voteCount = 0;

  /** `merges`: `text:<normalised>` → vocabulary id. */
  constructor(private readonly merges: ReadonlyMap<string, string> = new Map()) {}

  get votes(): number {
    return this.voteCount;
  }

  apply(events: readonly EventFacts[]): LedgerUpdate {
    const touched = new Map<Slot, Vote | null>();
    const scores = new Map<string, ModelScore>();
    let retracted = false;
    for (const event of events) {
      if (event.type === 'feedback-retracted') {
        if (event.retracts !== null) retracted = this.retract(event.deviceId, event.retracts, touched) || retracted;
        continue;
      }
      const label = event.type === 'tag-verdict' ? (event.verdict === 'wrong' ? 0 : 1) : 1;
      const act: Act = { id: event.id, at: event.at.getTime(), label };
      const slots: Slot[] = [];
      for (const rawKey of event.tagKeys) {
        const tagKey = this.canonical(rawKey);
        if (tagKey === null) continue;
        const slot = this.slot(event.deviceId, event.photoId, tagKey);
        remember(touched, slot, standing(slot));
        if (this.retracted.get(event.id) !== event.deviceId) insertAct(slot.acts, act);
        slots.push(slot);
        if (event.score !== null) this.score(event.photoId, tagKey, event.score, act.at, scores);
      }
      this.slotsOfAct.set(event.id, slots);
    }
    return { votes: this.changes(touched), scores: [...scores.values()], retracted };
  }

  /** Every standing vote. */
  allVotes(): Vote[] {
    const votes: Vote[] = [];
    for (const slot of this.slots.values()) {
      const vote = standing(slot);
      if (vote) votes.push(vote);
    }
    return votes;
  }

  allScores(): ModelScore[] {
    return [...this.scores].map(([key, { score }]) => {
      const split = key.indexOf('\n');
      return { photoId: key.slice(0, split), tagKey: key.slice(split + 1), score };
    });
  }

  /** The model's score for a (photo, tag), if any event carried one. */
  scoreOf(photoId: string, tagKey: string): number | null {
    return this.scores.get(`${photoId}\n${tagKey}`)?.score ?? null;
  }

  /** True when it took back an act already applied. */
  private retract(deviceId: string, actId: string, touched: Map<Slot, Vote | null>): boolean {
    // A device can only take back its own acts.
    this.retracted.set(actId, deviceId);
    let applied = false;
    for (const slot of this.slotsOfAct.get(actId) ?? []) {
      if (slot.deviceId !== deviceId) continue;
      remember(touched, slot, standing(slot));
      slot.acts = slot.acts.filter((act) => act.id !== actId);
      applied = true;
    }
    return applied;
  }

  /** `text:` keys by their normalised text, then through the admin's merges; null for text that normalises to nothing. */
  private canonical(tagKey: string): string | null {
    if (!tagKey.startsWith('text:')) return tagKey;
    const text = normaliseTagText(tagKey.slice(5));
    if (text === '') return null;
    const key = `text:${text}`;
    return this.merges.get(key) ?? key;
  }

  private slot(deviceId: string, photoId: string, tagKey: string): Slot {
    const key = `${deviceId}\n${photoId}\n${tagKey}`;
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { deviceId, photoId, tagKey, acts: [] }));
    return slot;
  }

  /** The latest score wins: a newer model's opinion replaces an older one's. */
  private score(photoId: string, tagKey: string, score: number, at: number, changed: Map<string, ModelScore>): void {
    const key = `${photoId}\n${tagKey}`;
    const known = this.scores.get(key);
    if (known && known.at > at) return;
    this.scores.set(key, { score, at });
    changed.set(key, { photoId, tagKey, score });
  }

  private changes(touched: Map<Slot, Vote | null>): VoteChange[] {
    const changes: VoteChange[] = [];
    for (const [slot, before] of touched) {
      const after = standing(slot);
      if (before?.label === after?.label) continue;
      this.voteCount += (after ? 1 : 0) - (before ? 1 : 0);
      changes.push({ deviceId: slot.deviceId, photoId: slot.photoId, tagKey: slot.tagKey, vote: after });
    }
    return changes;
  }
}

function remember(touched: Map<Slot, Vote | null>, slot: Slot, vote: Vote | null): void {
  if (!touched.has(slot)) touched.set(slot, vote);
}

function standing(slot: Slot): Vote | null {
  const act = slot.acts.at(-1);
  return act ? { deviceId: slot.deviceId, photoId: slot.photoId, tagKey: slot.tagKey, label: act.label, at: act.at } : null;
}

/** Keeps acts ordered by (at, id): UUIDv7 ids break ties in the order the device made them. */
function insertAct(acts: Act[], act: Act): void {
  if (acts.some((known) => known.id === act.id)) return;
  let i = acts.length;
  while (i > 0 && (acts[i - 1].at > act.at || (acts[i - 1].at === act.at && acts[i - 1].id > act.id))) i--;
  acts.splice(i, 0, act);
}
