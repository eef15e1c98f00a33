import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Deployable } from './deployables.js';
import { effectiveTarget, findStage, inWorkdir, type Dockerfile, type EffectiveTarget } from './dockerfile.js';
import { readWorkspaces, workspaceDependencies } from './workspaces.js';

/** Lint-level rules for the file as a whole: several stages, so build tools never ship. */
export function checkDockerfile(dockerfile: Dockerfile): string[] {
  const problems: string[] = [];
  if (dockerfile.stages.length < 2) problems.push(`a multi-stage build is expected (found ${dockerfile.stages.length} FROM)`);
  const names = dockerfile.stages.flatMap((stage) => (stage.name ? [stage.name.toLowerCase()] : []));
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length) problems.push(`stage names used twice: ${duplicates.join(', ')}`);
  return problems;
}

const covers = (directory: string, path: string) => path === directory || path.startsWith(`${directory.replace(/\/+$/, '')}/`);

/** The same argv, its last element (the entry point) compared as a path in the image. */
function sameCommand(argv: readonly string[], expected: readonly string[], resolvePath: (path: string) => string): boolean {
  if (argv.length !== expected.length) return false;
  const last = expected.length - 1;
  return argv.every((arg, i) => (i === last ? resolvePath(arg) === resolvePath(expected[i]!) : arg === expected[i]));
}

/** Does a stage (with the stages it is built from) run a command matching `pattern`? */
function stageRuns(dockerfile: Dockerfile, stage: string, pattern: RegExp): boolean {
  if (!findStage(dockerfile, stage)) return false;
  return effectiveTarget(dockerfile, stage).runs.some((run) => pattern.test(run));
}

/**
 * Rules for one deployable's target: non-root, production, health-checked on /healthz with node
 * (no curl in slim images), `CMD ["node", ...<node args>, "<entry>"]`, and an image made only of stage outputs:
 * production dependencies of its own workspace and the built dist of it and its workspace deps.
 */
export function checkDeployableTarget(dockerfile: Dockerfile, deployable: Deployable, repoRoot: string): string[] {
  if (!findStage(dockerfile, deployable.name)) return [`no stage named ${deployable.name}`];
  const target = effectiveTarget(dockerfile, deployable.name);
  const problems: string[] = [];
  const say = (problem: string) => problems.push(`${deployable.name}: ${problem}`);

  if (target.chain.length < 2 && !target.copies.some((copy) => copy.from)) say('the runtime image should be its own stage, fed by COPY --from=<build stage>');
  if (!/^node:20(\.\d+)*-(bookworm-slim|alpine(\d+(\.\d+)*)?)(@sha256:[0-9a-f]+)?$/.test(target.baseImage)) {
    say(`base image ${target.baseImage || '(none)'} is not node:20 slim or alpine`);
  }
  const user = target.user?.split(':')[0];
  if (!user) say('no USER: it would run as root');
  else if (user === 'root' || user === '0') say(`USER ${target.user} is root`);
  if (target.env.NODE_ENV !== 'production') say(`NODE_ENV is ${target.env.NODE_ENV ?? 'unset'}, expected production`);
  problems.push(...checkHealthcheck(target, deployable).map((problem) => `${deployable.name}: ${problem}`));

  const expectedCmd = ['node', ...deployable.nodeArgs, deployable.entry];
  const cmd = target.cmd;
  if (!cmd) say('no CMD');
  else if (cmd.shell) say(`CMD is in shell form (${cmd.argv[2]}); use ${JSON.stringify(expectedCmd)} so node gets the signals`);
  else if (!sameCommand(cmd.argv, expectedCmd, (path) => inWorkdir(target, path))) {
    say(`CMD is ${JSON.stringify(cmd.argv)}, expected ${JSON.stringify(expectedCmd)}`);
  }

  for (const copy of target.copies) {
    if (!copy.from) say(`COPY ${copy.sources.join(' ')} takes files straight from the build context into the runtime image`);
  }
  problems.push(...checkImageContents(dockerfile, target, deployable, repoRoot).map((problem) => `${deployable.name}: ${problem}`));
  return problems;
}

function checkHealthcheck(target: EffectiveTarget, deployable: Deployable): string[] {
  const healthcheck = target.healthcheck;
  if (!healthcheck) return ['no HEALTHCHECK'];
  if (healthcheck.command === 'NONE') return ['HEALTHCHECK NONE'];
  const problems: string[] = [];
  const command = healthcheck.command.join(' ');
  if (!command.includes('/healthz')) problems.push(`HEALTHCHECK does not call /healthz: ${command}`);
  if (/\b(curl|wget)\b/.test(command)) problems.push("HEALTHCHECK uses curl/wget, which slim node images do not have; use node's fetch");
  const program = healthcheck.shell ? healthcheck.command[2]?.split(/\s+/)[0] : healthcheck.command[0];
  if (program !== 'node') problems.push(`HEALTHCHECK runs ${program}, expected node`);
  const defaultPort = String(deployable.ports[deployable.httpPortKey]);
  if (!command.includes(deployable.httpPortKey) && !command.includes(defaultPort)) {
    problems.push(`HEALTHCHECK does not use the HTTP port (${deployable.httpPortKey}, default ${defaultPort})`);
  }
  return problems;
}

/** Production dependencies of the deployable's workspace, its dist, and the dist of its workspace dependencies. */
function checkImageContents(dockerfile: Dockerfile, target: EffectiveTarget, deployable: Deployable, repoRoot: string): string[] {
  const problems: string[] = [];
  const workspaces = readWorkspaces(repoRoot);
  const workspace = workspaces.find((candidate) => candidate.dir === deployable.name);
  if (!workspace) return [`no workspace folder ${deployable.name} in the root package.json`];
  const fromStages = target.copies.filter((copy) => copy.from);

  // Later COPYs win over earlier ones for the paths they write.
  const copyOf = (path: string) => fromStages.findLast((copy) => covers(copy.destination, path));
  const dependenciesCopy = copyOf(join(target.workdir, 'node_modules'));
  if (!dependenciesCopy?.from) {
    problems.push(`no COPY --from=<stage> brings node_modules into ${target.workdir}`);
  } else {
    const workspaceFlag = new RegExp(`(--workspace[= ]|-w )${workspace.name.replace(/[/@]/g, '\\$&')}(\\s|$)`);
    if (!stageRuns(dockerfile, dependenciesCopy.from, /\bnpm ci\b.*--omit[= ]dev/))
      problems.push(`stage ${dependenciesCopy.from} does not run npm ci --omit=dev`);
    if (!stageRuns(dockerfile, dependenciesCopy.from, workspaceFlag))
      problems.push(`stage ${dependenciesCopy.from} does not install only --workspace ${workspace.name}`);
  }

  const needed = [workspace, ...workspaceDependencies(workspaces, workspace.dir)];
  const entryDir = dirname(inWorkdir(target, deployable.entry));
  for (const { dir } of needed) {
    const copy = copyOf(dir === workspace.dir ? entryDir : inWorkdir(target, `${dir}/dist`));
    if (!copy?.from) {
      problems.push(`the image has no ${dir}/dist (expected COPY --from=<build stage> …/${dir}/dist ${dir}/dist)`);
    } else if (!stageRuns(dockerfile, copy.from, /\bnpm run build\b/)) {
      problems.push(`${dir}/dist comes from stage ${copy.from}, which does not run npm run build`);
    } else {
      // Only built output: the COPY must land inside <dir>/dist and take the same path from the stage.
      const landing = copy.destination.slice(target.workdir.replace(/\/+$/, '').length + 1);
      if (!covers(`${dir}/dist`, landing) || !copy.sources.some((source) => source.replace(/\/+$/, '').endsWith(`/${landing}`))) {
        problems.push(
          `${dir}/dist should be copied on its own (COPY --from=${copy.from} …/${dir}/dist ${dir}/dist), not ${copy.sources.join(' ')} → ${copy.destination}`,
        );
      }
    }
  }
  for (const asset of deployable.assets ?? []) {
    const copy = copyOf(inWorkdir(target, asset));
    if (!copy?.from || !stageRuns(dockerfile, copy.from, /\bnpm run build\b/)) problems.push(`the image has no ${asset} from the build stage`);
  }
  return problems;
}

/** The build context must not carry installed or built output, nor secrets. */
export function checkDockerignore(repoRoot: string): string[] {
  const file = join(repoRoot, '.dockerignore');
  if (!existsSync(file)) return ['.dockerignore is missing: node_modules, dist and .env would be sent to the build'];
  const patterns = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const wanted: Array<[string, RegExp]> = [
    ['node_modules', /^(\*\*\/)?node_modules\/?$/],
    ['dist', /^(\*\*\/)?dist\/?$/],
    ['*.tsbuildinfo (a stale one makes tsc -b skip emitting)', /^(\*\*\/)?\*\.tsbuildinfo$/],
    ['.env', /^(\*\*\/)?\.env$/],
    ['.git', /^\.git\/?$/],
  ];
  return wanted.filter(([, pattern]) => !patterns.some((line) => pattern.test(line))).map(([what]) => `.dockerignore does not exclude ${what}`);
}
