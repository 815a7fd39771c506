/**
 * The server cannot start as configured (an environment variable, the data folder, the database):
 * the message says which setting and what to change. `npm start` prints it as one line and exits
 * 1; a stack trace would only bury it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const YES = ['1', 'true', 'yes', 'on'];
const NO = ['0', 'false', 'no', 'off'];

/** The environment variable `name` as a yes or no: unset or empty is no; anything but 1/0, true/false, yes/no, on/off is a ConfigError. */
export function switchSetting(env: NodeJS.ProcessEnv, name: string): boolean {
  const text = (env[name] ?? '').trim().toLowerCase();
  if (text === '' || NO.includes(text)) return false;
  if (YES.includes(text)) return true;
  throw new ConfigError(`${name} must be 1 or 0 (true or false), not "${env[name]}"`);
}

/** The environment variable `name` as one of `choices` (any case), `fallback` when unset or empty; anything else is a ConfigError. */
export function choiceSetting<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const text = (env[name] ?? '').trim().toLowerCase();
  if (text === '') return fallback;
  const choice = choices.find((option) => option === text);
  if (choice === undefined) throw new ConfigError(`${name} must be ${choices.join(' or ')}, not "${env[name]}"`);
  return choice;
}

/** What a number setting accepts. */
export interface NumberRange {
  min: number;
  max?: number;
  integer?: boolean;
  /** The unit or meaning, for the message: "seconds", "requests a minute". */
  unit: string;
}

/**
 * The environment variable `name` as a number within `range`, `fallback` when it is unset or
 * empty, and a ConfigError naming the variable when it is anything else: a typo never silently
 * becomes the default.
 */
export function numberSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, range: NumberRange): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  const { min, max = Infinity, integer = false, unit } = range;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const bounds = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${name} must be ${integer ? 'a whole number' : 'a number'} ${bounds} (${unit}), not "${text}"`);
  }
  return value;
}
