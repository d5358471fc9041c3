/** The machine a bench ran on, printed at the top of every bench (BENCHMARKS.md records it). */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '(unavailable)';
  }
}

export function machine(): string {
  const mem =
    run('free', ['-h'])
      .split('\n')
      .find((l) => l.startsWith('Mem:'))
      ?.split(/\s+/)[1] ?? '?';
  return [
    `machine: nproc ${run('nproc', [])}, ${cpus()[0]?.model ?? 'unknown cpu'}, memory ${mem} (free -h), node ${process.version}, ${process.platform} ${process.arch}`,
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine skews figures)`,
    `commit: ${run('git', ['rev-parse', '--short', 'HEAD'])}${run('git', ['status', '--porcelain']) ? ' (working tree has changes)' : ''}, at ${new Date().toISOString()}`,
  ].join('\n');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function ms(n: number, digits = 1): string {
  return `${n.toFixed(digits)} ms`;
}

/** A fixed-width text table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A numeric `--name value` option of the bench's command line, or the fallback. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A small seeded random generator (mulberry32), so a bench's data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
