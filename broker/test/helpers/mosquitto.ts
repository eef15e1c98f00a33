import { spawn, spawnSync } from 'node:child_process';

/** Why the mosquitto-clients tests cannot run here, or undefined when mosquitto_sub and mosquitto_pub are installed. */
export function mosquittoMissing(): string | undefined {
  for (const bin of ['mosquitto_sub', 'mosquitto_pub']) {
    const probe = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    if (probe.error) return `${bin} is not installed (apt-get install -y mosquitto-clients)`;
  }
  return undefined;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a mosquitto client to completion; kills it (by its own handle) if it outlives `timeoutMs`. */
export function runTool(bin: 'mosquitto_sub' | 'mosquitto_pub', args: string[], timeoutMs = 10_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
