import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '../../models/pipeline/errors.ts';

/** One `wanwu <name>` subcommand; `run` resolves to the process exit code. */
export interface Command {
  /** One line for `wanwu --help`. */
  summary: string;
  /** The arguments after the command name, e.g. `[--json] <image...>`. */
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Bad arguments: the CLI prints the message and the usage line and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** node:util's parseArgs, its complaints (an unknown option, a missing value) made usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}
