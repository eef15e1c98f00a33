import { execFileSync } from 'node:child_process';

/** Why a test cannot run here (`<command> is not installed (<how to install>)`), or undefined when `command version` runs. */
export function toolMissing(command: string, install: string): string | undefined {
  try {
    execFileSync(command, ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `the ${command} command is not installed (${install})`;
  }
}
