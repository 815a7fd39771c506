import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/env.ts';

function wanwu(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/wanwu.js', ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('wanwu simulate crowd', () => {
  it('prints one JSON object with the accuracies and quarantine shares', async () => {
    const run = await wanwu(['simulate', 'crowd', '--json', '--seed', '2', '--photos', '300', '--devices', '60']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    for (const key of ['majorityAccuracy', 'consensusAccuracy', 'honestQuarantined', 'dishonestQuarantined']) {
      expect(report[key]).toBeGreaterThanOrEqual(0);
      expect(report[key]).toBeLessThanOrEqual(1);
    }
    expect(report.ms).toBeGreaterThan(0);
    expect(report.options).toMatchObject({ seed: 2, photos: 300, devices: 60 });
  });

  it('prints a readable table, and refuses bad options with the usage line', async () => {
    const table = await wanwu(['simulate', 'crowd', '--photos', '200', '--devices', '50']);
    expect(table.stdout).toContain('majority vote');
    expect(table.stdout).toContain('Brier score');
    const bad = await wanwu(['simulate', 'crowd', '--spammers', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: wanwu simulate crowd');
  });
});

describe('wanwu simulate flywheel', () => {
  it('needs a YOLO folder, and says what is wrong with one that is not', async () => {
    const missing = await wanwu(['simulate', 'flywheel']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--data YOLO_DIR is required');
    const notYolo = await wanwu(['simulate', 'flywheel', '--data', repoRoot]);
    expect(notYolo.code).toBe(1);
    expect(notYolo.stderr).toContain(`${repoRoot} has no names.txt`);
    expect(notYolo.stderr).not.toContain('    at ');
  });

  it('takes a list of adversarial shares for a sweep, each checked', async () => {
    const majority = await wanwu(['simulate', 'flywheel', '--data', repoRoot, '--adversarial', '0,0.2,0.6']);
    expect(majority.code).toBe(2);
    expect(majority.stderr).toContain('--adversarial must leave honest devices the majority');
    const notShare = await wanwu(['simulate', 'flywheel', '--data', repoRoot, '--adversarial', '0,,0.2']);
    expect(notShare.code).toBe(2);
    expect(notShare.stderr).toContain('--adversarial must be a number from 0 to 1, not ""');
  });
});
