import type { ConsensusItem, Repository } from '../storage/repository.ts';
import { splitOf } from './split.ts';

/**
 * Who taught each new tag and who vouches for it independently, counting only devices that earned
 * trust. A device earns it by agreeing with confident consensus on tags the base models know
 * (MIN_AGREED answers), where many devices answer and a lone one cannot make its own consensus; a
 * group of fresh devices that only pushes a name of its own has agreed with nobody on anything,
 * however many photos it floods. A new tag's positive counts in training only on photos a trusted
 * device named it on (an untrusted device's name alone, a junk add or an attack, is no positive),
 * and training learns a new tag only from MIN_TEACHERS such devices that
 * named it on train photos, and only when MIN_WITNESSED held-out photos where consensus says it is
 * there were named by a trusted device that taught it on no train photo (./dataset.ts
 * chooseHeadTags): the gate then never judges a first version only on labels from the devices whose
 * labels trained it, so a group that labels train and held-out photos alike, however large and
 * trusted, cannot vouch for its own tag.
 */

/** Answers agreeing with confident consensus on base tags that make a device trusted. */
export const MIN_AGREED = 5;
/** Share of those answers that must agree: a device that contradicts consensus as often as not earns nothing by volume. */
export const MIN_AGREEMENT = 0.7;
/** Trusted devices that must have said a new tag is present on train photos before training learns it. */
export const MIN_TEACHERS = 3;
/** Held-out positives of a new tag that a trusted device other than its teachers must have named. */
export const MIN_WITNESSED = 1;
/** Consensus this sure, either way, is what a device's answer is held against. */
const CONFIDENT = 0.8;
const PAGE = 5000;

/** What backs a new tag: who named it, and the held-out photos a trusted device that is not one of its teachers named it on. */
export interface TagSupport {
  /** Trusted devices that named it on train photos: its teachers. */
  trusted: number;
  /** Devices that named it on any photo, trusted or not. */
  all: number;
  witnessedPhotos: ReadonlySet<string>;
  /** Photos, in either split, a trusted device named it on: the only positives training takes for it (./dataset.ts vouchedItems). */
  vouchedPhotos: ReadonlySet<string>;
}

/** What the crowd did for each tag, read from every event. */
export interface CrowdSupport {
  /** Per taught tag (a key outside `baseTags`): who taught it and who vouches for it. */
  support: Map<string, TagSupport>;
  /** Per base tag: how many devices that count (not quarantined or banned) answered about it: the people a correction of it learned from. */
  answerers: Map<string, number>;
}

/**
 * Who taught and backs each taught tag, and who answered about each base tag. `excluded`: devices
 * consensus quarantined or an admin banned, never trusted and never counted. `merges`: a name an
 * admin merged into another (renamed) counts as that one, as consensus counts it.
 */
export async function tagSupport(
  repository: Repository,
  items: readonly ConsensusItem[],
  baseTags: ReadonlySet<string>,
  excluded: ReadonlySet<string>,
  merges: ReadonlyMap<string, string>,
): Promise<CrowdSupport> {
  const consensus = new Map<string, boolean>();
  for (const item of items) {
    if (!baseTags.has(item.tagKey)) continue;
    if (item.probability >= CONFIDENT) consensus.set(`${item.photoId}\n${item.tagKey}`, true);
    else if (item.probability <= 1 - CONFIDENT) consensus.set(`${item.photoId}\n${item.tagKey}`, false);
  }
  const answerers = new Map<string, Set<string>>();
  /** Per device: answers on confidently settled base tags, and how many of them agreed. */
  const record = new Map<string, { agreed: number; answered: number }>();
  /** Per new tag: who named it on each photo. */
  const named = new Map<string, Map<string, Set<string>>>();
  let cursor: string | null = null;
  for (;;) {
    const page = await repository.eventsAfter(cursor, PAGE);
    cursor = page.cursor;
    for (const event of page.events) {
      if (event.type === 'feedback-retracted' || event.type === 'text-corrected') continue;
      const present = event.type !== 'tag-verdict' || event.verdict === 'correct';
      for (const sent of event.tagKeys) {
        const tagKey = merges.get(sent) ?? sent;
        if (baseTags.has(tagKey)) {
          if (!excluded.has(event.deviceId)) answerers.set(tagKey, (answerers.get(tagKey) ?? new Set<string>()).add(event.deviceId));
          const settled = consensus.get(`${event.photoId}\n${tagKey}`);
          if (settled === undefined) continue;
          const device = record.get(event.deviceId) ?? { agreed: 0, answered: 0 };
          record.set(event.deviceId, device);
          device.answered++;
          if (settled === present) device.agreed++;
        } else if (present) {
          const namers = named.get(tagKey) ?? new Map<string, Set<string>>();
          named.set(tagKey, namers);
          namers.set(event.photoId, (namers.get(event.photoId) ?? new Set<string>()).add(event.deviceId));
        }
      }
    }
    if (page.events.length < PAGE) break;
  }
  const trusted = (deviceId: string) => {
    const device = record.get(deviceId);
    return !excluded.has(deviceId) && device !== undefined && device.agreed >= MIN_AGREED && device.agreed >= MIN_AGREEMENT * device.answered;
  };
  const support = new Map(
    [...named].map(([tagKey, namers]): [string, TagSupport] => {
      // Its teachers: who named it on a train photo.
      const train = new Set([...namers].flatMap(([photoId, devices]) => (splitOf(photoId) === 'train' ? [...devices] : [])));
      const namedBy = (photoId: string, counts: (device: string) => boolean) => [...namers.get(photoId)!].some((device) => trusted(device) && counts(device));
      const photos = [...namers.keys()];
      const witnessedPhotos = new Set(photos.filter((photoId) => splitOf(photoId) === 'heldOut' && namedBy(photoId, (device) => !train.has(device))));
      const vouchedPhotos = new Set(photos.filter((photoId) => namedBy(photoId, () => true)));
      const all = new Set([...namers.values()].flatMap((devices) => [...devices])).size;
      return [tagKey, { trusted: [...train].filter(trusted).length, all, witnessedPhotos, vouchedPhotos }];
    }),
  );
  return { support, answerers: new Map([...answerers].map(([tag, devices]) => [tag, devices.size])) };
}
