/** Parent side of the fake Slack Web API running in its own process (bench/support/fake-api-child.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FakeWebApiStats, RateLimit } from '../../test/drills/support/fake-web-api';
import { TSX_IMPORT } from './processes';

export class FakeApiProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (v: unknown) => void>();
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: { id?: number; result?: unknown }) => {
      if (m.id !== undefined) {
        this.pending.get(m.id)?.(m.result);
        this.pending.delete(m.id);
      }
    });
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  static start(): Promise<FakeApiProcess> {
    const child = fork(join(__dirname, 'fake-api-child.ts'), [], { execArgv: ['--import', TSX_IMPORT], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.on('message', (m: { ready?: string }) => {
        if (m.ready) resolve(new FakeApiProcess(child, m.ready));
      });
    });
  }

  private call<T>(op: string, extra: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (v: unknown) => void);
      this.child.send({ id, op, ...extra });
    });
  }

  configure(o: { rateLimit?: RateLimit | null; postKey?: 'channel+text' | 'text' }): Promise<boolean> {
    return this.call('configure', o);
  }

  reset(): Promise<boolean> {
    return this.call('reset');
  }

  stats(): Promise<FakeWebApiStats> {
    return this.call('stats');
  }

  /** When each response_url post arrived (ms since the epoch) by the id in its path, since the last call. */
  responseArrivals(): Promise<Record<string, number>> {
    return this.call('responseArrivals');
  }

  /** Distinct posts per channel. */
  perChannel(): Promise<Record<string, number>> {
    return this.call('perChannel');
  }

  async stop(): Promise<void> {
    await Promise.race([this.call('stop'), new Promise((r) => setTimeout(r, 2000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
