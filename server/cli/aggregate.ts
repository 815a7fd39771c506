import { pino } from 'pino';
import type { ConsensusAlert } from '../contract/admin.ts';
import { UNKNOWN_NEED, type TagNeed } from '../contract/sync.ts';
import { createConsensusJob } from '../consensus/job.ts';
import { createModelRegistry } from '../models/registry.ts';
import { serverPaths } from '../paths.ts';
import { parseCommandArgs, type Command } from './command.ts';
import { withServerRepository } from './server-repository.ts';

/**
 * `wanwu aggregate`: a full consensus run over the server's database (WANWU_DATA or DATABASE_URL,
 * as the server reads them), stored where the server and its dashboard find it.
 */
export const aggregate: Command = {
  summary: 'work out consensus from all stored feedback: labels, device trust, quarantine, the need per tag',
  usage: '[--json]',
  async run(args) {
    const json = parseOptions(args);
    const { dataDir, bundleDir } = serverPaths();
    return withServerRepository(dataDir, async (repository) => {
      // Only errors are logged: the summary below is what people read.
      const bundles = createModelRegistry({ repository, builtBundleDir: bundleDir, dataDir });
      const job = createConsensusJob({ repository, bundles, logger: pino({ level: 'error' }, process.stderr) });
      const run = await job.run({ full: true });
      const [devices, latest] = await Promise.all([repository.consensusDevices(), repository.latestConsensusRun()]);
      const quarantined = devices.filter((device) => device.quarantine && device.adminStatus !== 'released');
      const alerts = latest?.alerts ?? [];
      const summary = { ...run, devices: devices.length, quarantined: quarantined.length, need: latest?.need ?? UNKNOWN_NEED, alerts };
      process.stdout.write(json ? `${JSON.stringify(summary)}\n` : text(summary, quarantined.map((d) => `  ${d.deviceId}  ${d.quarantine?.reason}: ${d.quarantine?.evidence}`)));
      return 0;
    });
  },
};

interface Summary {
  votes: number;
  ms: number;
  devices: number;
  quarantined: number;
  need: TagNeed;
  alerts: ConsensusAlert[];
}

function text(summary: Summary, quarantined: string[]): string {
  return [
    `consensus over ${summary.votes} votes from ${summary.devices} devices in ${summary.ms} ms`,
    `quarantined: ${summary.quarantined}`,
    ...quarantined,
    // Held-back rules name the devices an admin should look at (release or ban) in full.
    `alerts: ${summary.alerts.length}`,
    ...summary.alerts.flatMap(({ rule, tagKey, devices, evidence }) => [`  ${rule}${tagKey === null ? '' : ` on ${tagKey}`}: ${evidence}`, ...devices.map((id) => `    ${id}`)]),
    `need: ${[...summary.need.tags.map(({ tag, need }) => `${tag} ${need}`), `every other tag ${summary.need.others}`].join(', ')}`,
    '',
  ].join('\n');
}

function parseOptions(args: string[]): boolean {
  return parseCommandArgs({ args, options: { json: { type: 'boolean', default: false } } }).values.json;
}
