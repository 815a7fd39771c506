#!/usr/bin/env node
// The CLI is TypeScript run through tsx, like the rest of the Node side: no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
