import { getContext } from 'svelte';

/**
 * One app-wide state object, reached by components without threading props: main.ts hands
 * `provide(value)` to `mount()`'s context, components call `get()`.
 */
export interface AppContext<T> {
  /** The entry for `mount()`'s context map. */
  provide(value: T): [symbol, T];
  /** The mounted value; undefined where none was mounted (a component rendered alone). */
  get(): T | undefined;
}

export function appContext<T>(name: string): AppContext<T> {
  const key = Symbol(name);
  return {
    provide: (value) => [key, value],
    get: () => getContext<T | undefined>(key),
  };
}
