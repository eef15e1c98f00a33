import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { environmentOf, type ComposeDocument } from './compose-file.js';
import { DEPLOYABLES, SECRET_KEY, type Deployable } from './deployables.js';
import { findStage, parseDockerfile, type Dockerfile } from './dockerfile.js';

const dockerfileName = (build: { dockerfile?: string }) => build.dockerfile ?? 'Dockerfile';

/** Each deployable is built from the repository root, from an existing Dockerfile and a target that exists in it. */
export function checkBuilds(document: ComposeDocument, repoRoot: string, composeDir: string): string[] {
  const problems: string[] = [];
  for (const { name } of DEPLOYABLES) {
    const build = document.services[name]?.build;
    if (!document.services[name]) continue;
    if (!build) {
      problems.push(`${name} has no build: section`);
      continue;
    }
    const context = resolve(composeDir, build.context);
    if (!existsSync(context) || !statSync(context).isDirectory()) {
      problems.push(`${name}: build context ${build.context} is not a folder`);
      continue;
    }
    if (relative(repoRoot, context) !== '')
      problems.push(`${name}: build context ${build.context} is not the repository root (the build needs every workspace)`);
    const dockerfilePath = join(context, dockerfileName(build));
    if (!existsSync(dockerfilePath)) {
      problems.push(`${name}: ${dockerfileName(build)} does not exist in ${build.context}`);
      continue;
    }
    const dockerfile = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
    if (!build.target) {
      if (dockerfile.stages.length > 1 && dockerfile.stages[dockerfile.stages.length - 1]?.name !== name) problems.push(`${name}: build has no target`);
    } else if (!findStage(dockerfile, build.target)) {
      problems.push(`${name}: target ${build.target} is not a stage of ${dockerfileName(build)}`);
    } else if (build.target !== name) {
      problems.push(`${name} is built from target ${build.target}`);
    }
  }
  return problems;
}

/** The Dockerfile each deployable is built from, with its target (for the image-level checks). */
export function dockerfilesOf(document: ComposeDocument, composeDir: string): Map<string, { dockerfile: Dockerfile; target: string; path: string }> {
  const found = new Map<string, { dockerfile: Dockerfile; target: string; path: string }>();
  for (const [name, service] of Object.entries(document.services)) {
    const build = service.build;
    if (!build) continue;
    const path = join(resolve(composeDir, build.context), dockerfileName(build));
    if (!existsSync(path)) continue;
    const dockerfile = parseDockerfile(readFileSync(path, 'utf8'));
    const target = build.target ?? dockerfile.stages[dockerfile.stages.length - 1]?.name ?? '';
    found.set(name, { dockerfile, target, path });
  }
  return found;
}

/** What `npm run build` must have produced for the images: each CMD's file and the web assets. */
export function checkBuildOutputs(repoRoot: string, deployables: readonly Deployable[] = DEPLOYABLES): string[] {
  const problems: string[] = [];
  for (const deployable of deployables) {
    const source = deployable.entry.replace(/\/dist\//, '/src/').replace(/\.js$/, '.ts');
    if (!existsSync(join(repoRoot, source)))
      problems.push(`${deployable.name}: ${source} does not exist, so the build cannot produce its CMD ${deployable.entry}`);
    else if (!existsSync(join(repoRoot, deployable.entry))) problems.push(`${deployable.name}: ${deployable.entry} is missing: run \`npm run build\``);
    for (const asset of deployable.assets ?? []) {
      const dir = join(repoRoot, asset);
      const apps = existsSync(dir) ? readdirSync(dir).filter((entry) => existsSync(join(dir, entry, 'index.html'))) : [];
      if (!apps.length) problems.push(`${deployable.name}: ${asset} holds no built app (<app>/index.html): run \`npm run build\``);
    }
  }
  return problems;
}

interface ScrapeConfig {
  job_name?: string;
  metrics_path?: string;
  static_configs?: Array<{ targets?: string[] }>;
  dns_sd_configs?: Array<{ names?: string[]; port?: number }>;
}

/** deploy/prometheus.yml scrapes every deployable's /metrics on the METRICS_PORT compose gives it. */
export function checkPrometheusConfig(file: string, document: ComposeDocument): string[] {
  if (!existsSync(file)) return [`${file} is missing`];
  const config = parse(readFileSync(file, 'utf8')) as { scrape_configs?: ScrapeConfig[] };
  const targets: Array<{ host: string; port: number; path: string }> = [];
  for (const job of config.scrape_configs ?? []) {
    const path = job.metrics_path ?? '/metrics';
    for (const target of (job.static_configs ?? []).flatMap((block) => block.targets ?? [])) {
      const [host = '', port = '80'] = target.split(':');
      targets.push({ host, port: Number(port), path });
    }
    for (const block of job.dns_sd_configs ?? []) {
      for (const host of block.names ?? []) targets.push({ host, port: Number(block.port), path });
    }
  }
  const problems: string[] = [];
  for (const deployable of DEPLOYABLES) {
    const env = environmentOf(document.services[deployable.name] ?? {});
    const port = Number(env.METRICS_PORT ?? deployable.metricsPort);
    if (!targets.some((target) => target.host === deployable.name && target.port === port && target.path === '/metrics')) {
      problems.push(`prometheus does not scrape ${deployable.name}:${port}/metrics`);
    }
  }
  for (const target of targets) {
    if (!document.services[target.host]) problems.push(`prometheus scrapes ${target.host}, which is not a compose service`);
  }
  return problems;
}

/** deploy/.env.example names every variable compose requires and gives no secret a value. */
export function checkEnvExample(file: string, required: string[]): string[] {
  if (!existsSync(file)) return [`${file} is missing`];
  const entries = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) entries.set(match[1] as string, (match[2] as string).trim());
  }
  const problems: string[] = [];
  for (const name of required) if (!entries.has(name)) problems.push(`${file} does not mention ${name}, which compose requires`);
  for (const [name, value] of entries) {
    if (SECRET_KEY.test(name) && value !== '') problems.push(`${file} gives the secret ${name} a value; leave it empty for each installation to fill in`);
  }
  return problems;
}
