import type { ModelScore, Vote } from './types.ts';

/**
 * Votes as numbers: devices, photos and tags interned to indexes, items (photo, tag) and votes in
 * growable typed arrays, so that EM runs over arrays, not strings and objects. A device's newer
 * answer about an item replaces its older one (a person may change their mind). Each vote also
 * names its source, the (device, tag) pair: consensus trusts a device tag by tag.
 */
export class VoteTable {
  readonly devices = new Interner();
  readonly photos = new Interner();
  readonly tags = new Interner();

  itemCount = 0;
  itemPhoto = new Int32Array(1024);
  itemTag = new Int32Array(1024);
  /** The model's score, NaN where it gave none. */
  itemScore = new Float64Array(1024);
  /** Item indexes per tag, in creation order. */
  readonly tagItems: number[][] = [];

  voteCount = 0;
  voteItem = new Int32Array(4096);
  voteDevice = new Int32Array(4096);
  voteSource = new Int32Array(4096);
  voteLabel = new Uint8Array(4096);
  voteAt = new Float64Array(4096);

  /** Sources: (device, tag) pairs with at least one vote, in the order they first voted. */
  sourceCount = 0;
  sourceDevice = new Int32Array(1024);
  sourceTag = new Int32Array(1024);
  private readonly sourceOf = new Map<number, number>();

  /**
   * Linked lists (head per owner, next per member, −1 ends) of a photo's items and of an item's votes:
   * a photo has a few items and an item a few votes, so a scan beats a map and makes no garbage.
   */
  private photoFirstItem = new Int32Array(1024).fill(-1);
  private nextItemOfPhoto = new Int32Array(1024);
  private itemFirstVote = new Int32Array(1024);
  private nextVoteOfItem = new Int32Array(4096);
  /** Scores that arrived before any vote on their item, by photo and tag. */
  private readonly pendingScores = new Map<string, number>();
  private index: VoteIndex | null = null;

  /** Adds votes and scores; returns what changed, for the engine to update from. */
  add(votes: readonly Vote[], scores: readonly ModelScore[]): TableChanges {
    const changes: TableChanges = { firstNewItem: this.itemCount, firstNewVote: this.voteCount, relabelled: [], rescored: [] };
    for (const vote of votes) {
      const item = this.itemOf(this.photos.intern(vote.photoId), this.tags.intern(vote.tagKey));
      const device = this.devices.intern(vote.deviceId);
      let existing = this.itemFirstVote[item];
      while (existing !== -1 && this.voteDevice[existing] !== device) existing = this.nextVoteOfItem[existing];
      if (existing === -1) {
        this.pushVote(item, device, vote);
      } else if (vote.at >= this.voteAt[existing]) {
        this.voteAt[existing] = vote.at;
        if (this.voteLabel[existing] !== vote.label) {
          if (existing < changes.firstNewVote) changes.relabelled.push({ vote: existing, previous: this.voteLabel[existing] });
          this.voteLabel[existing] = vote.label;
        }
      }
    }
    // After the votes: a score for an item voted on in this batch is not left pending.
    for (const score of scores) {
      const photo = this.photos.intern(score.photoId);
      const tag = this.tags.intern(score.tagKey);
      const item = this.findItem(photo, tag);
      if (item === -1) this.pendingScores.set(`${photo}:${tag}`, score.score);
      else if (this.itemScore[item] !== score.score) {
        this.itemScore[item] = score.score;
        if (item < changes.firstNewItem) changes.rescored.push(item);
      }
    }
    if (this.voteCount > changes.firstNewVote || changes.relabelled.length > 0) this.index = null;
    return changes;
  }

  /** Votes grouped by item and by device (a counting sort, rebuilt after each add). */
  grouped(): VoteIndex {
    if (this.index) return this.index;
    const [itemStart, itemVotes] = groupBy(this.voteItem, this.voteCount, this.itemCount);
    const [deviceStart, deviceVotes] = groupBy(this.voteDevice, this.voteCount, this.devices.size);
    const [sourceStart, sourceVotes] = groupBy(this.voteSource, this.voteCount, this.sourceCount);
    const [deviceSourceStart, deviceSources] = groupBy(this.sourceDevice, this.sourceCount, this.devices.size);
    const itemVoteDevice = new Int32Array(this.voteCount);
    const itemVoteSource = new Int32Array(this.voteCount);
    const itemVoteLabel = new Uint8Array(this.voteCount);
    for (let k = 0; k < this.voteCount; k++) {
      itemVoteDevice[k] = this.voteDevice[itemVotes[k]];
      itemVoteSource[k] = this.voteSource[itemVotes[k]];
      itemVoteLabel[k] = this.voteLabel[itemVotes[k]];
    }
    const deviceVoteItem = new Int32Array(this.voteCount);
    const deviceVoteSource = new Int32Array(this.voteCount);
    const deviceVoteLabel = new Uint8Array(this.voteCount);
    for (let k = 0; k < this.voteCount; k++) {
      deviceVoteItem[k] = this.voteItem[deviceVotes[k]];
      deviceVoteSource[k] = this.voteSource[deviceVotes[k]];
      deviceVoteLabel[k] = this.voteLabel[deviceVotes[k]];
    }
    const sourceVoteItem = new Int32Array(this.voteCount);
    for (let k = 0; k < this.voteCount; k++) sourceVoteItem[k] = this.voteItem[sourceVotes[k]];
    this.index = {
      itemStart, itemVotes, itemVoteDevice, itemVoteSource, itemVoteLabel,
      deviceStart, deviceVotes, deviceVoteItem, deviceVoteSource, deviceVoteLabel,
      sourceStart, sourceVoteItem, deviceSourceStart, deviceSources,
    };
    return this.index;
  }

  private findItem(photo: number, tag: number): number {
    if (photo >= this.photoFirstItem.length) return -1;
    let item = this.photoFirstItem[photo];
    while (item !== -1 && this.itemTag[item] !== tag) item = this.nextItemOfPhoto[item];
    return item;
  }

  private itemOf(photo: number, tag: number): number {
    const known = this.findItem(photo, tag);
    if (known !== -1) return known;
    const item = this.itemCount++;
    if (item === this.itemPhoto.length) {
      this.itemPhoto = grow(this.itemPhoto);
      this.itemTag = grow(this.itemTag);
      this.itemScore = grow(this.itemScore);
      this.nextItemOfPhoto = grow(this.nextItemOfPhoto);
      this.itemFirstVote = grow(this.itemFirstVote);
    }
    if (photo >= this.photoFirstItem.length) {
      const first = this.photoFirstItem.length;
      this.photoFirstItem = grow(this.photoFirstItem, Math.max(photo + 1, first * 2));
      this.photoFirstItem.fill(-1, first);
    }
    this.nextItemOfPhoto[item] = this.photoFirstItem[photo];
    this.photoFirstItem[photo] = item;
    this.itemFirstVote[item] = -1;
    this.itemPhoto[item] = photo;
    this.itemTag[item] = tag;
    this.itemScore[item] = NaN;
    if (this.pendingScores.size > 0) {
      const key = `${photo}:${tag}`;
      this.itemScore[item] = this.pendingScores.get(key) ?? NaN;
      this.pendingScores.delete(key);
    }
    while (this.tagItems.length <= tag) this.tagItems.push([]);
    this.tagItems[tag].push(item);
    return item;
  }

  private pushVote(item: number, device: number, vote: Vote): void {
    const index = this.voteCount++;
    if (index === this.voteItem.length) {
      this.voteItem = grow(this.voteItem);
      this.voteDevice = grow(this.voteDevice);
      this.voteSource = grow(this.voteSource);
      this.voteLabel = grow(this.voteLabel);
      this.voteAt = grow(this.voteAt);
      this.nextVoteOfItem = grow(this.nextVoteOfItem);
    }
    this.nextVoteOfItem[index] = this.itemFirstVote[item];
    this.itemFirstVote[item] = index;
    this.voteItem[index] = item;
    this.voteDevice[index] = device;
    this.voteSource[index] = this.sourceFor(device, this.itemTag[item]);
    this.voteLabel[index] = vote.label;
    this.voteAt[index] = vote.at;
  }

  private sourceFor(device: number, tag: number): number {
    // Exact in a double: tags stay below 2^26 and devices below 2^27.
    const key = device * 2 ** 26 + tag;
    let source = this.sourceOf.get(key);
    if (source === undefined) {
      source = this.sourceCount++;
      if (source === this.sourceDevice.length) {
        this.sourceDevice = grow(this.sourceDevice);
        this.sourceTag = grow(this.sourceTag);
      }
      this.sourceDevice[source] = device;
      this.sourceTag[source] = tag;
      this.sourceOf.set(key, source);
    }
    return source;
  }
}

export interface VoteIndex {
  /** Votes of item i are itemVotes[itemStart[i] .. itemStart[i + 1]); their devices, sources and labels in the same order. */
  itemStart: Int32Array;
  itemVotes: Int32Array;
  itemVoteDevice: Int32Array;
  itemVoteSource: Int32Array;
  itemVoteLabel: Uint8Array;
  /** Votes of device d are deviceVotes[deviceStart[d] .. deviceStart[d + 1]) in ascending order; their items, sources and labels in the same order. */
  deviceStart: Int32Array;
  deviceVotes: Int32Array;
  deviceVoteItem: Int32Array;
  deviceVoteSource: Int32Array;
  deviceVoteLabel: Uint8Array;
  /** Items voted on by source s are sourceVoteItem[sourceStart[s] .. sourceStart[s + 1]). */
  sourceStart: Int32Array;
  sourceVoteItem: Int32Array;
  /** Sources of device d are deviceSources[deviceSourceStart[d] .. deviceSourceStart[d + 1]). */
  deviceSourceStart: Int32Array;
  deviceSources: Int32Array;
}

export interface TableChanges {
  /** Items and votes from these indexes on are new. */
  firstNewItem: number;
  firstNewVote: number;
  /** Older votes whose answer changed. */
  relabelled: { vote: number; previous: number }[];
  /** Older items whose model score changed. */
  rescored: number[];
}

/** Strings to dense indexes. */
export class Interner {
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();

  get size(): number {
    return this.names.length;
  }

  intern(name: string): number {
    let index = this.byName.get(name);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(name);
      this.byName.set(name, index);
    }
    return index;
  }
}

type Growable = Int32Array | Uint32Array | Uint8Array | Float64Array;

export function grow<T extends Growable>(array: T, size = array.length * 2): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(size, 16));
  bigger.set(array);
  return bigger;
}

/** Counting sort of `count` entries by `keys` into CSR form: members of group g are order[start[g]..start[g+1]). */
function groupBy(keys: Int32Array, count: number, groups: number): [Int32Array, Int32Array] {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < count; i++) start[keys[i] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const fill = start.slice(0, groups);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[fill[keys[i]]++] = i;
  return [start, order];
}
