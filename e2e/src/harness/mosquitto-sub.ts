import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Why mosquitto_sub cannot run here, or undefined when it is installed. */
export function mosquittoSubMissing(): string | undefined {
  const probe = spawnSync('mosquitto_sub', ['--help'], { encoding: 'utf8' });
  return probe.error ? 'mosquitto_sub is not installed (apt-get install -y mosquitto-clients)' : undefined;
}

export interface SubLine {
  topic: string;
  retained: boolean;
  /** The payload as text; '' for an empty message (a retained message being cleared). */
  payload: string;
}

/**
 * A `mosquitto_sub` process (the Eclipse Mosquitto client, not ours) subscribed at QoS 1, one
 * line per message: topic, retain flag, payload. Tests wait on the lines it printed.
 */
export class MosquittoSub {
  readonly lines: SubLine[] = [];
  private stderr = '';
  private buffered = '';
  private readonly child: ChildProcess;
  private exited = false;

  constructor(mqttUrl: string, options: { username: string; password: string; topics: string[]; clientId?: string }) {
    const url = new URL(mqttUrl);
    const args = ['-h', url.hostname, '-p', url.port, '-u', options.username, '-P', options.password, '-q', '1', '-F', '%t\t%r\t%p'];
    if (options.clientId) args.push('-i', options.clientId);
    for (const topic of options.topics) args.push('-t', topic);
    this.child = spawn('mosquitto_sub', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        const [topic = '', retained = '', ...payload] = line.split('\t');
        this.lines.push({ topic, retained: retained === '1', payload: payload.join('\t') });
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.once('exit', () => (this.exited = true));
  }

  on(topic: string): SubLine[] {
    return this.lines.filter((l) => l.topic === topic);
  }

  /** JSON payloads of `topic`, empty messages left out. */
  json(topic: string): Array<Record<string, unknown>> {
    return this.on(topic)
      .filter((l) => l.payload !== '')
      .map((l) => JSON.parse(l.payload) as Record<string, unknown>);
  }

  /** Polls the printed lines until `check` returns a value; fails after `timeoutMs` with what was printed. */
  async waitFor<T>(check: (lines: SubLine[]) => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check(this.lines);
      if (value !== undefined && value !== false) return value;
      if (this.exited || Date.now() > deadline) {
        throw new Error(
          `mosquitto_sub: ${this.exited ? 'exited' : `timed out after ${timeoutMs} ms`} waiting for ${what}; printed: ${JSON.stringify(this.lines)}; stderr: ${this.stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Ends the process (its own handle) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await gone;
  }
}
