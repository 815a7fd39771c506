import { aggregate } from './cli/aggregate.ts';
import { UsageError, type Command } from './cli/command.ts';
import { exportCommand } from './cli/export.ts';
import { recognize } from './cli/recognize.ts';
import { simulate } from './cli/simulate.ts';
import { train } from './cli/train.ts';

/** Subcommands by name; aggregate, train, simulate and export join this table. */
const commands: Record<string, Command> = { recognize, simulate, aggregate, train, export: exportCommand };

const EXIT_USAGE = 2;

/** `wanwu <command> [options]`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return 0;
  }
  const command = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${name === undefined ? 'wanwu: no command given' : `wanwu: unknown command "${name}"`}\n${help()}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: wanwu ${name} ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`wanwu ${name}: ${error.message}\nusage: wanwu ${name} ${command.usage}\n`);
    return EXIT_USAGE;
  }
}

function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['usage: wanwu <command> [options]', '', 'commands:', ...lines, '', 'wanwu <command> --help shows its options.', ''].join('\n');
}
