import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { interpolateDocument, variablesInDocument, type VariableUse } from './interpolate.js';

/** A compose service, the parts the checks read, in compose's short and long syntaxes alike. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target: number; published?: number | string; host_ip?: string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
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
  text: string;
  /** As written: variables not substituted (anchors and merge keys resolved). */
  raw: ComposeDocument;
  /** As compose sees it with `env`. */
  resolved: ComposeDocument;
  variables: VariableUse[];
  /** Variables compose refuses to run without (`${VAR:?…}`), sorted. */
  required: string[];
  /** The environment `resolved` was interpolated with. */
  env: Record<string, string | undefined>;
}

/** A stand-in value for each required variable: long enough for JWT_SECRET, URL-safe for passwords. */
export function dummyEnvironment(required: string[]): Record<string, string> {
  return Object.fromEntries(required.map((name) => [name, `dummy${name.toLowerCase().replace(/[^a-z0-9]/g, '')}0123456789abcdef0123456789abcdef`]));
}

/**
 * Reads docker-compose.yml as compose does: YAML anchors and `<<` merges, then interpolation
 * with `env` (default: a dummy value for each required variable, nothing else, so defaults apply).
 * Throws MissingVariableError, as compose would, when `env` lacks a required variable.
 */
export function loadCompose(file: string, env?: Record<string, string | undefined>): LoadedCompose {
  const text = readFileSync(file, 'utf8');
  const raw = parse(text, { merge: true }) as ComposeDocument;
  if (!raw || typeof raw !== 'object' || !raw.services) throw new Error(`${file} has no services`);
  const variables = variablesInDocument(raw);
  const required = [...new Set(variables.filter((use) => use.kind === 'required').map((use) => use.name))].sort();
  const effectiveEnv = env ?? dummyEnvironment(required);
  return { text, raw, resolved: interpolateDocument(raw, effectiveEnv), variables, required, env: effectiveEnv };
}

export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

export interface PortMapping {
  hostIp?: string;
  published?: number;
  target: number;
}

/** `"3000"`, `"3000:3000"`, `"127.0.0.1:15672:15672"`, `"1884:1884/tcp"` or the long form. */
export function portsOf(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return { ...(port.host_ip ? { hostIp: port.host_ip } : {}), ...(port.published !== undefined ? { published: Number(port.published) } : {}), target: Number(port.target) };
    }
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
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
  const dependsOn = service.depends_on;
  if (!dependsOn) return [];
  if (Array.isArray(dependsOn)) return dependsOn.map((name) => ({ name }));
  return Object.entries(dependsOn).map(([name, spec]) => ({ name, ...(spec?.condition ? { condition: spec.condition } : {}) }));
}

export function buildOf(service: ComposeService): { context: string; dockerfile: string; target?: string } | undefined {
  const build = service.build;
  if (build === undefined) return undefined;
  if (typeof build === 'string') return { context: build, dockerfile: 'Dockerfile' };
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', ...(build.target ? { target: build.target } : {}) };
}

/** `"name:/path"`, `"./dir:/path:ro"` or the long form; `named` when the source is a named volume. */
export function volumesOf(service: ComposeService): Array<{ source?: string; target: string; named: boolean }> {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'object') {
      return { ...(volume.source ? { source: volume.source } : {}), target: volume.target, named: volume.type === 'volume' && !!volume.source };
    }
    const [source, target, ...rest] = volume.split(':');
    if (target === undefined) return { target: source ?? '', named: false };
    void rest;
    return { ...(source ? { source } : {}), target, named: !!source && !/^[./~]/.test(source) };
  });
}

export function healthcheckTest(service: ComposeService): string[] | undefined {
  const healthcheck = service.healthcheck;
  if (!healthcheck || healthcheck.disable || healthcheck.test === undefined) return undefined;
  const test = typeof healthcheck.test === 'string' ? ['CMD-SHELL', healthcheck.test] : healthcheck.test;
  return test[0] === 'NONE' ? undefined : test;
}
