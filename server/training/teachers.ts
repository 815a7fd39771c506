import type { ConsensusItem, Repository } from '../storage/repository.ts';

/**
 * Who taught each new tag, counting only devices that earned trust. A device earns it by agreeing
 * with confident consensus on tags the base models know (MIN_AGREED answers), where many devices
 * answer and a lone one cannot make its own consensus; a group of fresh devices that only pushes
 * a name of its own has agreed with nobody on anything, however many photos it floods. Training
 * learns a new tag only from MIN_TEACHERS such devices (./dataset.ts chooseHeadTags).
 */

/** Answers agreeing with confident consensus on base tags that make a device trusted. */
export const MIN_AGREED = 5;
/** Trusted devices that must have said a new tag is present before training learns it. */
export const MIN_TEACHERS = 3;
/** Consensus this sure, either way, is what a device's answer is held against. */
const CONFIDENT = 0.8;
const PAGE = 5000;

/** Devices that said a taught tag is present on some photo: those trusted, and all. */
export interface Teachers {
  trusted: number;
  all: number;
}

/**
 * Per taught tag (a key outside `baseTags`), the devices that said it is present on some photo.
 * `excluded`: devices consensus quarantined or an admin banned, never trusted.
 */
export async function trustedTeachers(
  repository: Repository,
  items: readonly ConsensusItem[],
  baseTags: ReadonlySet<string>,
  excluded: ReadonlySet<string>,
): Promise<Map<string, Teachers>> {
  const consensus = new Map<string, boolean>();
  for (const item of items) {
    if (!baseTags.has(item.tagKey)) continue;
    if (item.probability >= CONFIDENT) consensus.set(`${item.photoId}\n${item.tagKey}`, true);
    else if (item.probability <= 1 - CONFIDENT) consensus.set(`${item.photoId}\n${item.tagKey}`, false);
  }
  const agreed = new Map<string, number>();
  const teachers = new Map<string, Set<string>>();
  let cursor: string | null = null;
  for (;;) {
    const page = await repository.eventsAfter(cursor, PAGE);
    cursor = page.cursor;
    for (const event of page.events) {
      if (event.type === 'feedback-retracted' || event.type === 'text-corrected') continue;
      const present = event.type !== 'tag-verdict' || event.verdict === 'correct';
      for (const tagKey of event.tagKeys) {
        if (baseTags.has(tagKey)) {
          if (consensus.get(`${event.photoId}\n${tagKey}`) === present) agreed.set(event.deviceId, (agreed.get(event.deviceId) ?? 0) + 1);
        } else if (present) {
          const devices = teachers.get(tagKey) ?? new Set<string>();
          devices.add(event.deviceId);
          teachers.set(tagKey, devices);
        }
      }
    }
    if (page.events.length < PAGE) break;
  }
  const trusted = (device: string) => !excluded.has(device) && (agreed.get(device) ?? 0) >= MIN_AGREED;
  return new Map([...teachers].map(([tag, devices]) => [tag, { trusted: [...devices].filter(trusted).length, all: devices.size }]));
}
