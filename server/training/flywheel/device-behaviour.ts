import type { TagOrigin, TagRef, Verdict } from '../../contract/feedback-event.ts';
import type { Random } from '../../seeded-random.ts';
import type { Tag } from '../../../models/pipeline/types.ts';
import type { SimClass } from './label-space.ts';

export type DeviceKind = 'careful' | 'careless' | 'adversarial' | 'sybil';

/** What every sybil device adds to every photo it sees: a plausible name no photo shows. */
export const SYBIL_TAG = '独角兽';

/** How often an honest person's verdict is right, and how often they add a class the result misses. */
export const HONEST: Record<Exclude<DeviceKind, 'adversarial' | 'sybil'>, { accuracy: number; addsMissing: number }> = {
  careful: { accuracy: 0.97, addsMissing: 0.9 },
  careless: { accuracy: 0.75, addsMissing: 0.5 },
};

/** One act in the app, before it becomes a feedback event (the device adds ids, time, model and embedding). */
export type Act =
  | { type: 'tag-verdict'; tag: TagRef; verdict: Verdict; score: number; origin: TagOrigin }
  | { type: 'tag-added'; tag: TagRef; origin: 'user' }
  | { type: 'photo-confirmed'; tags: TagRef[] };

/** What a person knows about one photo: its true classes, and which listed tags name a class they can check. */
export interface PhotoTruth {
  classes: ReadonlySet<string>;
  /** Tag id → the class it stands for (the detector's tag, or the taught `text:` tag). */
  classOf: ReadonlyMap<string, SimClass>;
  hidden: readonly SimClass[];
  /** The classes the base models know: a person adds one the result missed by its name, as the app suggests it. */
  visible: readonly SimClass[];
}

/**
 * A person's acts on one recognised photo, as the app lets them act: mark shown tags wrong (or
 * right), add what is missing (a class the base models know by its tag, as the app suggests it; a
 * hidden one as free text), then "All correct" for the shown tags left. Tags no
 * labelled class stands for (most ImageNet tags) are left alone: the simulation cannot know if
 * they are right. An adversary marks right tags wrong and wrong ones right, and teaches a hidden
 * name the photo does not show. A sybil (one of a group of fresh devices) only adds SYBIL_TAG.
 */
export function actsOnPhoto(kind: DeviceKind, tags: readonly Tag[], truth: PhotoTruth, random: Random): Act[] {
  const checkable = tags.filter((tag) => tag.shown && truth.classOf.has(tag.id));
  const listedKeys = new Set(checkable.map((tag) => tag.id));
  const present = (tag: Tag) => truth.classes.has(truth.classOf.get(tag.id)!.name);
  const acts: Act[] = [];
  if (kind === 'sybil') return [{ type: 'tag-added', tag: { text: SYBIL_TAG }, origin: 'user' }];
  if (kind === 'adversarial') {
    for (const tag of checkable) acts.push(verdict(tag, present(tag) ? 'wrong' : 'correct'));
    const absent = truth.hidden.filter((c) => !truth.classes.has(c.name) && !listedKeys.has(c.taughtKey));
    if (absent.length > 0) acts.push(added(absent[random.below(absent.length)]));
    return acts;
  }
  const { accuracy, addsMissing } = HONEST[kind];
  const confirmed: TagRef[] = [];
  for (const tag of checkable) {
    const saysPresent = random.next() < accuracy ? present(tag) : !present(tag);
    if (saysPresent) confirmed.push(refOf(tag.id));
    else acts.push(verdict(tag, 'wrong'));
  }
  for (const missing of truth.hidden) {
    if (truth.classes.has(missing.name) && !listedKeys.has(missing.taughtKey) && random.next() < addsMissing) acts.push(added(missing));
  }
  for (const missing of truth.visible) {
    if (truth.classes.has(missing.name) && !listedKeys.has(missing.baseId) && random.next() < addsMissing) acts.push({ type: 'tag-added', tag: refOf(missing.baseId), origin: 'user' });
  }
  if (confirmed.length > 0) acts.push({ type: 'photo-confirmed', tags: confirmed });
  return acts;
}

function verdict(tag: Tag, verdict: Verdict): Act {
  return { type: 'tag-verdict', tag: refOf(tag.id), verdict, score: tag.score, origin: tag.source };
}

/** Taught as people type it: the class's Chinese name. */
function added(c: SimClass): Act {
  return { type: 'tag-added', tag: { text: c.zh }, origin: 'user' };
}

/** A listed tag as the app refers to it: by its id (a taught tag's id is its `text:` key). */
function refOf(id: string): TagRef {
  return { id };
}
