import type { DawidSkene } from './dawid-skene.ts';
import { CONFIDENT_LOG_ODDS } from './quarantine.ts';
import { grow, type VoteTable } from './vote-table.ts';

/** MinHash sketch size: devices sharing a tenth of their answers meet on a hash with P ≈ 0.8. */
const HASHES = 16;
const EMPTY = 0xffffffff;
/** A pair "answers identically" with this many shared questions and this share of identical answers. */
const MIN_SHARED = 10;
const MIN_IDENTICAL = 0.95;
/** A group colludes when it stands together against everyone else this often. */
const MIN_DISSENT = 5;
const MIN_DISSENT_SHARE = 0.2;
const MAX_BUCKET = 64;
/** Sort keys hold a 32-bit hash and a device's position below this (exact in a double up to 2^21 devices). */
const POSITIONS = 2 ** 21;
/** Passes that drop members who do not stand with the group. */
const MAX_PRUNING = 3;

/**
 * Finds groups of devices answering identically on many shared questions while standing against
 * everyone else's consensus. Candidate pairs come from MinHash sketches of each device's
 * (item, answer) set, so the cost grows with the votes, not with the pairs of devices; a pair is then
 * checked exactly, and a group is judged against the consensus without all of its members, so that
 * careful devices agreeing because they are right (with everyone else) are never a group.
 */
export class CollusionFinder {
  private sketches = new Uint32Array(0);
  /** Pairs answering identically, found once per update (the rules run several rounds per update). */
  private pairs: [number, number][] = [];
  /**
   * Every candidate pair checked so far, with its shared and identical answers packed by `pack`: new
   * votes are added to them, so only a pair with a changed answer or a new pair is counted afresh.
   */
  private checked = new Map<number, number>();

  /**
   * Updates sketches for votes from `firstVote` on and rebuilds the devices whose answers changed;
   * `changedDevices` are all devices with new or changed answers.
   */
  update(table: VoteTable, firstVote: number, relabelledDevices: ReadonlySet<number>, changedDevices: ReadonlySet<number>): void {
    if (this.sketches.length < table.devices.size * HASHES) {
      const first = this.sketches.length;
      this.sketches = grow(this.sketches, Math.max(table.devices.size, (first / HASHES) * 2) * HASHES);
      this.sketches.fill(EMPTY, first);
    }
    for (let vote = firstVote; vote < table.voteCount; vote++) this.sketch(table, vote);
    const { deviceStart, deviceVotes } = table.grouped();
    for (const device of relabelledDevices) {
      this.sketches.fill(EMPTY, device * HASHES, (device + 1) * HASHES);
      for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) this.sketch(table, deviceVotes[k]);
    }
    const scratch = new Uint8Array(table.itemCount);
    const checked = new Map<number, number>();
    this.pairs = this.candidatePairs(table).filter(([a, b]) => {
      const key = a * 2 ** 23 + b;
      const known = relabelledDevices.has(a) || relabelledDevices.has(b) ? undefined : this.checked.get(key);
      let counts = known ?? compare(table, a, b, scratch);
      if (known !== undefined && (changedDevices.has(a) || changedDevices.has(b))) counts += compareNew(table, a, b, firstVote) + compareNew(table, b, a, firstVote);
      checked.set(key, counts);
      const shared = Math.floor(counts / PACK);
      return shared >= MIN_SHARED && counts % PACK >= MIN_IDENTICAL * shared;
    });
    this.checked = checked;
  }

  /** Evidence in words for each device of a colluding group. */
  find(table: VoteTable, em: DawidSkene, judged: (device: number) => boolean): Map<number, string> {
    const groups = new UnionFind();
    for (const [a, b] of this.pairs) if (judged(a) && judged(b)) groups.union(a, b);
    const tally = new Tally(table.itemCount);
    const found = new Map<number, string>();
    for (let members of groups.groups()) {
      // Pairs chain by chance (careful devices agree because they are right): keep only the members
      // that stand with the group against everyone else, until the group no longer shrinks.
      let standings = standing(table, em, members, tally);
      let kept = members.filter((_, m) => colludes(standings[m]));
      for (let pass = 0; pass < MAX_PRUNING && kept.length >= 2 && kept.length < members.length; pass++) {
        members = kept;
        standings = standing(table, em, members, tally);
        kept = members.filter((_, m) => colludes(standings[m]));
      }
      if (kept.length < 2) continue;
      for (const [m, device] of members.entries()) {
        const { shared, dissent } = standings[m];
        if (!colludes(standings[m])) continue;
        found.set(device, `answered identically with ${kept.length - 1} other devices on ${shared} shared questions, against everyone else's consensus on ${dissent}`);
      }
    }
    return found;
  }

  private sketch(table: VoteTable, vote: number): void {
    const token = table.voteItem[vote] * 2 + table.voteLabel[vote];
    const base = table.voteDevice[vote] * HASHES;
    for (let j = 0; j < HASHES; j++) {
      const hash = mix(token ^ SEEDS[j]);
      if (hash < this.sketches[base + j]) this.sketches[base + j] = hash;
    }
  }

  /** Pairs whose sketches agree on a hash: few by chance, each checked exactly in a pass over two devices' votes. */
  private candidatePairs(table: VoteTable): [number, number][] {
    const { deviceStart } = table.grouped();
    const sketched: number[] = [];
    for (let device = 0; device < table.devices.size; device++) {
      if (deviceStart[device + 1] - deviceStart[device] >= MIN_SHARED) sketched.push(device);
    }
    // Buckets by sorting (hash, position) keys: a numeric sort of one typed array beats a Map per hash.
    const keys = new Float64Array(sketched.length);
    const seen = new Set<number>();
    const pairs: [number, number][] = [];
    for (let j = 0; j < HASHES; j++) {
      for (let s = 0; s < sketched.length; s++) keys[s] = this.sketches[sketched[s] * HASHES + j] * POSITIONS + s;
      keys.sort();
      for (let start = 0, end = 0; start < keys.length; start = end) {
        const hash = Math.floor(keys[start] / POSITIONS);
        while (end < keys.length && Math.floor(keys[end] / POSITIONS) === hash) end++;
        // A huge bucket is linked as a chain: the groups come from union-find anyway.
        const chain = end - start > MAX_BUCKET;
        for (let x = start; x < end; x++) {
          for (let y = x + 1; y < (chain ? Math.min(x + 2, end) : end); y++) {
            const a = sketched[keys[x] % POSITIONS];
            const b = sketched[keys[y] % POSITIONS];
            const key = a * 2 ** 23 + b;
            if (seen.has(key)) continue;
            seen.add(key);
            pairs.push([a, b]);
          }
        }
      }
    }
    return pairs;
  }
}

/** Shared questions and identical answers of two devices, packed as shared × PACK + identical. */
const PACK = 2 ** 26;

/** Counts two devices' shared questions and identical answers; `scratch` (one slot per item) is left zeroed. */
function compare(table: VoteTable, a: number, b: number, scratch: Uint8Array): number {
  const { deviceStart, deviceVoteItem, deviceVoteLabel } = table.grouped();
  for (let k = deviceStart[a]; k < deviceStart[a + 1]; k++) scratch[deviceVoteItem[k]] = 1 + deviceVoteLabel[k];
  let shared = 0;
  let same = 0;
  for (let k = deviceStart[b]; k < deviceStart[b + 1]; k++) {
    const answer = scratch[deviceVoteItem[k]];
    if (answer === 0) continue;
    shared++;
    if (answer === 1 + deviceVoteLabel[k]) same++;
  }
  for (let k = deviceStart[a]; k < deviceStart[a + 1]; k++) scratch[deviceVoteItem[k]] = 0;
  return shared * PACK + same;
}

/**
 * What `a`'s votes from `firstVote` on add to the pair's counts: each shared question is counted once,
 * at the later of the two votes (a device's votes are in ascending order, so its new ones come last).
 */
function compareNew(table: VoteTable, a: number, b: number, firstVote: number): number {
  const { deviceStart, deviceVotes, itemStart, itemVotes, itemVoteDevice } = table.grouped();
  let counts = 0;
  for (let k = deviceStart[a + 1] - 1; k >= deviceStart[a] && deviceVotes[k] >= firstVote; k--) {
    const vote = deviceVotes[k];
    const item = table.voteItem[vote];
    for (let v = itemStart[item]; v < itemStart[item + 1]; v++) {
      if (itemVoteDevice[v] !== b || itemVotes[v] > vote) continue;
      counts += PACK + (table.voteLabel[itemVotes[v]] === table.voteLabel[vote] ? 1 : 0);
    }
  }
  return counts;
}

const colludes = ({ shared, dissent }: { shared: number; dissent: number }) => dissent >= MIN_DISSENT && dissent >= MIN_DISSENT_SHARE * shared;

/**
 * For each member: the items it answered like at least one other member, and how many of those go
 * against the confident consensus of everyone outside the group.
 */
function standing(table: VoteTable, em: DawidSkene, members: number[], tally: Tally): { shared: number; dissent: number }[] {
  const { deviceStart, deviceVoteItem, deviceVoteSource, deviceVoteLabel } = table.grouped();
  for (const device of members) {
    for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) {
      tally.add(deviceVoteItem[k], deviceVoteLabel[k], em.contribution(deviceVoteSource[k], deviceVoteLabel[k]));
    }
  }
  const standings = members.map((device) => {
    let shared = 0;
    let dissent = 0;
    for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) {
      const item = deviceVoteItem[k];
      const label = deviceVoteLabel[k];
      if ((label ? tally.present[item] : tally.absent[item]) < 2) continue;
      shared++;
      const others = em.logOdds[item] - tally.weight[item];
      if (Math.abs(others) >= CONFIDENT_LOG_ODDS && others > 0 !== (label === 1)) dissent++;
    }
    return { shared, dissent };
  });
  for (const device of members) {
    for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) tally.clear(deviceVoteItem[k]);
  }
  return standings;
}

/** Per item: a group's answers and their summed weight (one slot per item, cleared after use). */
class Tally {
  readonly present: Uint16Array;
  readonly absent: Uint16Array;
  readonly weight: Float64Array;

  constructor(items: number) {
    this.present = new Uint16Array(items);
    this.absent = new Uint16Array(items);
    this.weight = new Float64Array(items);
  }

  add(item: number, label: number, weight: number): void {
    if (label) this.present[item]++;
    else this.absent[item]++;
    this.weight[item] += weight;
  }

  clear(item: number): void {
    this.present[item] = 0;
    this.absent[item] = 0;
    this.weight[item] = 0;
  }
}

const SEEDS = Uint32Array.from({ length: HASHES }, (_, j) => mix(j + 0x9e3779b9));

/** MurmurHash3's 32-bit finaliser. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

class UnionFind {
  private readonly parent = new Map<number, number>();

  union(a: number, b: number): void {
    this.parent.set(this.root(a), this.root(b));
  }

  /** Each group of two or more, members in ascending order. */
  groups(): number[][] {
    const byRoot = new Map<number, number[]>();
    for (const device of [...this.parent.keys()].sort((x, y) => x - y)) {
      const root = this.root(device);
      const members = byRoot.get(root);
      if (members) members.push(device);
      else byRoot.set(root, [device]);
    }
    return [...byRoot.values()].filter((members) => members.length > 1);
  }

  private root(device: number): number {
    if (!this.parent.has(device)) this.parent.set(device, device);
    let root = device;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    // Path compression: later look-ups are one step.
    for (let node = device; node !== root; ) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }
}
