import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

interface BenchRow {
  id: string;
  figure: number;
  baseline: number;
  ratio: number;
  target: string;
  met: boolean;
}

/**
 * `npm run bench` in its smoke mode (about a second per workload, tiny data): every workload
 * still runs end to end and reports. Times are never asserted; only the report's shape is.
 */
describe('bench smoke (BENCH_SMOKE=1)', () => {
  it('prints a row for every workload and writes the same rows as JSON', async () => {
    const results = await mkdtemp(path.join(os.tmpdir(), 'yinqi-bench-results-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BENCH_SMOKE: '1',
      BENCH_RESULTS_DIR: results,
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['bench/run.mjs'], { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

      const ids = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9', 'B10'];
      for (const id of ids) {
        expect(stdout).toMatch(new RegExp(`^\\| ${id} +\\|`, 'm'));
      }
      const files = await readdir(results);
      expect(files).toHaveLength(1);
      expect(stdout).toContain(`results: ${path.join(results, files[0])}`);
      const report = JSON.parse(await readFile(path.join(results, files[0]), 'utf8')) as {
        machine: { cpus: number };
        postgres: string;
        rows: BenchRow[];
      };
      expect(report.machine.cpus).toBeGreaterThan(0);
      expect(report.postgres).toMatch(/^\d+/);
      expect([...new Set(report.rows.map((row) => row.id))].sort()).toEqual([...ids].sort());
      for (const row of report.rows) {
        expect(Number.isFinite(row.figure) && row.figure > 0).toBe(true);
        expect(Number.isFinite(row.baseline) && row.baseline > 0).toBe(true);
        expect(Number.isFinite(row.ratio) && row.ratio > 0).toBe(true);
        expect(typeof row.met).toBe('boolean');
        expect(row.target.length).toBeGreaterThan(0);
      }
    } finally {
      await rm(results, { recursive: true, force: true });
    }
  }, 600_000);
});
