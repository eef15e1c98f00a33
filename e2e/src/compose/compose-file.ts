import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { runComposeConfig, type ComposeCli } from './compose-cli.js';

/**
 * A compose service as `compose config` prints it, the parts the checks read. Compose normalises
 * `environment` and `depends_on` to mappings and `build` to an object; ports, volumes and
 * healthchecks keep the short form in Debian's docker-compose v1 and take the long one in v2.
 */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  environment?: Record<string, string | number | boolean | null>;
  ports?: Array<string | number | { target: number; published?: number | string; host_ip?: string }>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  volumes?: Array<string | { type?: string; source?: string; target: string }>;
  hostname?: string;
  profiles?: string[];
}

export interface ComposeDocument {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export interface LoadedCompose {
  /** The file as written (for the development defaults it must not contain). */
  text: string;
  /** As `compose config` resolves it with `env` (every profile's services included). */
  resolved: ComposeDocument;
  /** Variables compose refuses to run without (`${VAR:?…}`), sorted. */
  required: string[];
  /** The variables compose was given. */
  env: Record<string, string>;
}

/** `${NAME:?…}` or `${NAME?…}`: which variables the file requires. Compose itself proves the list complete (compose-config.test.ts). */
export function requiredVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((match) => match[1] as string))].sort();
}

/** A stand-in value for each required variable: long enough for JWT_SECRET, URL-safe for passwords, and unique, so it shows where each ends up. */
export function dummyEnvironment(required: string[]): Record<string, string> {
  return Object.fromEntries(required.map((name) => [name, `dummy${name.toLowerCase().replace(/[^a-z0-9]/g, '')}0123456789abcdef0123456789abcdef`]));
}

/**
 * docker-compose.yml as compose resolves it: `compose config` with `envFile` and exactly `env`
 * (default: a dummy value for each required variable, nothing else, so the file's defaults and
 * the env file apply). Throws with compose's own message when it refuses the file.
 */
export function loadCompose(cli: ComposeCli, options: { file: string; envFile: string; env?: Record<string, string> }): LoadedCompose {
  const text = readFileSync(options.file, 'utf8');
  const required = requiredVariables(text);
  const env = options.env ?? dummyEnvironment(required);
  const config = (profiles: string[], configArgs: string[]) => {
    const run = runComposeConfig(cli, { file: options.file, envFile: options.envFile, env, profiles, configArgs });
    if (run.status !== 0) throw new Error(`${cli.command.join(' ')} config refused ${options.file}: ${run.stderr.trim()}`);
    return run.stdout;
  };
  // Every profile on, so that every service is printed (v2 leaves out those of inactive profiles).
  const profiles = config([], ['--profiles'])
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const resolved = parse(config(profiles, [])) as ComposeDocument;
  if (!resolved?.services) throw new Error(`${options.file} has no services`);
  return { text, resolved, required, env };
}

export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

export interface PortMapping {
  hostIp?: string;
  published?: number;
  target: number;
}

/** `"127.0.0.1:15672:15672/tcp"` (v1) or the long form. */
export function portsOf(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        ...(port.host_ip ? { hostIp: port.host_ip } : {}),
        ...(port.published !== undefined ? { published: Number(port.published) } : {}),
        target: Number(port.target),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts.pop());
    const published = parts.length ? Number(parts.pop()) : undefined;
    const hostIp = parts.length ? parts.join(':') : undefined;
    return { ...(hostIp ? { hostIp } : {}), ...(published !== undefined ? { published } : {}), target };
  });
}

export interface Dependency {
  name: string;
  condition?: string;
}

export function dependenciesOf(service: ComposeService): Dependency[] {
  return Object.entries(service.depends_on ?? {}).map(([name, spec]) => ({ name, ...(spec?.condition ? { condition: spec.condition } : {}) }));
}

/** `"name:/path:rw"` (v1) or the long form; `named` when the source is a named volume (compose makes host paths absolute). */
export function volumesOf(service: ComposeService): Array<{ source?: string; target: string; named: boolean }> {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'object') {
      return { ...(volume.source ? { source: volume.source } : {}), target: volume.target, named: volume.type === 'volume' && !!volume.source };
    }
    const [source, target] = volume.split(':');
    if (target === undefined) return { target: source ?? '', named: false };
    return { ...(source ? { source } : {}), target, named: !!source && !source.startsWith('/') };
  });
}

export function healthcheckTest(service: ComposeService): string[] | undefined {
  const healthcheck = service.healthcheck;
  if (!healthcheck || healthcheck.disable || healthcheck.test === undefined) return undefined;
  const test = typeof healthcheck.test === 'string' ? ['CMD-SHELL', healthcheck.test] : healthcheck.test;
  return test[0] === 'NONE' ? undefined : test;
}
