import { pino } from 'pino';
import type { ModelMetrics, TrainingProgress, TrainingRun } from '../contract/training.ts';
import { createModelRegistry } from '../models/registry.ts';
import { serverPaths } from '../paths.ts';
import { createTrainingJob } from '../training/job.ts';
import { newTagPolicyFromEnv } from '../training/tag-review.ts';
import { parseCommandArgs, type Command } from './command.ts';
import { withServerRepository } from './server-repository.ts';

const BAR = 24;

/**
 * `wanwu train`: one training run over the server's database (WANWU_DATA or --data, or
 * DATABASE_URL), published where the server serves it when it passes the gate. Progress goes to
 * stderr, the result to stdout. Exits 0 when it ran (whatever the gate decided), 1 when it failed.
 */
export const train: Command = {
  summary: 'train the tag head on consensus labels; publish it if it beats the current model',
  usage: '[--data DIR] [--json]',
  async run(args) {
    const { json, data } = parseOptions(args);
    const { dataDir, bundleDir } = serverPaths(data === undefined ? process.env : { ...process.env, WANWU_DATA: data });
    return withServerRepository(dataDir, async (repository) => {
      // Only errors are logged: the summary below is what people read.
      const logger = pino({ level: 'error' }, process.stderr);
      const registry = createModelRegistry({ repository, builtBundleDir: bundleDir, dataDir });
      const job = createTrainingJob({ repository, registry, logger, newTags: newTagPolicyFromEnv(process.env) });
      const bar = progressBar(process.stderr);
      job.onProgress(bar.show);
      const run = await job.start('cli').finished;
      bar.end();
      process.stdout.write(json ? `${JSON.stringify(run)}\n` : summary(run));
      return run.status === 'failed' ? 1 : 0;
    });
  },
};

/** A terminal redraws one line (only when it changes: training reports every step); a log (not a TTY) gets one line per stage. */
function progressBar(out: NodeJS.WriteStream) {
  let stage: string | null = null;
  let line = '';
  return {
    show(progress: TrainingProgress) {
      if (out.isTTY) {
        const share = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
        const filled = Math.round(share * BAR);
        const next = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${progress.stage.padEnd(11)} ${String(Math.floor(share * 100)).padStart(3)} %`;
        if (next !== line) out.write(`\r${next}\x1b[K`);
        line = next;
      } else if (progress.stage !== stage) {
        out.write(`${progress.stage}…\n`);
      }
      stage = progress.stage;
    },
    end() {
      if (line !== '') out.write('\r\x1b[K');
    },
  };
}

function summary(run: TrainingRun): string {
  const lines = [`training run ${run.id}: ${run.status}${run.publishedVersion ? ` as ${run.publishedVersion}` : ''} (from ${run.baseVersion ?? '—'}, ${seconds(run.durationMs)})`];
  if (run.error) lines.push(`error: ${run.error}`);
  const { data } = run;
  if (data) {
    lines.push(
      `data: ${data.photos} photos (${data.trainPhotos} train, ${data.heldOutPhotos} held out), ${data.labels} labels, ${data.hardExamples} hard examples`,
      `left out: ${data.withoutEmbedding} photos without a usable embedding, ${data.excludedDevices} devices`,
      `tags: ${data.tags.length}${data.newTags.length > 0 ? ` (new: ${data.newTags.join(', ')})` : ''}`,
    );
  }
  if (run.candidate) {
    lines.push(`mAP ${metric(run.current, 'mAP')} → ${metric(run.candidate, 'mAP')}, micro-F1 ${metric(run.current, 'microF1')} → ${metric(run.candidate, 'microF1')}`);
    for (const tag of data?.newTags ?? []) lines.push(`  ${tag}: AP ${ap(run.candidate.perTagAP[tag])}`);
  }
  if (run.decision) lines.push(`decision: ${run.decision.publish ? 'publish' : 'keep the current model'}`, ...run.decision.reasons.map((reason) => `  ${reason}`));
  return `${lines.join('\n')}\n`;
}

const metric = (metrics: ModelMetrics | null, name: 'mAP' | 'microF1') => (metrics ? metrics[name].toFixed(3) : '—');
const ap = (value: number | null | undefined) => (value === null || value === undefined ? '— (no held-out positive)' : value.toFixed(3));
const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

function parseOptions(args: string[]): { json: boolean; data: string | undefined } {
  const { values } = parseCommandArgs({ args, options: { json: { type: 'boolean', default: false }, data: { type: 'string' } } });
  return { json: values.json, data: values.data };
}
