import { Copy, DockerfileParser, Env, type Instruction } from 'dockerfile-ast';

/**
 * The Dockerfile as dockerfile-ast parses it (instructions, continuations, comments, flags, ARG
 * and ENV values), grouped into stages, and what a build target ends up with once the stages it
 * is built `FROM` are followed: no tool here reports that without a Docker engine.
 */

export interface Stage {
  /** `FROM <base>`, `ARG`s before the first `FROM` expanded: an image, or the name of an earlier stage. */
  base: string;
  name?: string;
  index: number;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
}

export interface CopyInstruction {
  from?: string;
  sources: string[];
  destination: string;
}

/** What a target stage's image has: the last USER, HEALTHCHECK, CMD, its ENV and where it comes from. */
export interface EffectiveTarget {
  /** The stages from the image at the bottom up to the target. */
  chain: Stage[];
  baseImage: string;
  user?: string;
  healthcheck?: { command: string[] | 'NONE'; shell: boolean };
  cmd?: { argv: string[]; shell: boolean };
  env: Record<string, string>;
  workdir: string;
  copies: CopyInstruction[];
  runs: string[];
}

export function parseDockerfile(text: string): Dockerfile {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [base = '', as, name] = instruction.getExpandedArguments().map((argument) => argument.getValue());
      stages.push({ base, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), index: stages.length, instructions: [] });
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { stages };
}

/** `["node", "x.js"]` → exec form; anything else → shell form (as Docker runs a malformed JSON array). */
function parseCommand(args: string): { argv: string[]; shell: boolean } {
  if (args.startsWith('[')) {
    try {
      const argv: unknown = JSON.parse(args);
      if (Array.isArray(argv) && argv.every((item) => typeof item === 'string')) return { argv, shell: false };
    } catch {
      // shell form below
    }
  }
  return { argv: ['/bin/sh', '-c', args], shell: true };
}

export function findStage(dockerfile: Dockerfile, name: string): Stage | undefined {
  return dockerfile.stages.find((stage) => stage.name?.toLowerCase() === name.toLowerCase());
}

function resolvePath(workdir: string, path: string): string {
  if (path.startsWith('/')) return path.replace(/\/+$/, '') || '/';
  const parts: string[] = [];
  for (const part of `${workdir.replace(/\/+$/, '')}/${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Follows `FROM <stage>` down to an image and replays the chain's instructions in order. */
export function effectiveTarget(dockerfile: Dockerfile, target: string): EffectiveTarget {
  const chain: Stage[] = [];
  let stage = findStage(dockerfile, target);
  if (!stage) throw new Error(`no stage named ${target}`);
  while (stage) {
    if (chain.includes(stage)) throw new Error(`stage ${target} is built FROM itself`);
    chain.unshift(stage);
    const { base, index }: Stage = stage;
    stage = dockerfile.stages.find((candidate): boolean => candidate.index < index && candidate.name?.toLowerCase() === base.toLowerCase());
  }
  const result: EffectiveTarget = { chain, baseImage: chain[0]?.base ?? '', env: {}, workdir: '/', copies: [], runs: [] };
  for (const instruction of chain.flatMap((link) => link.instructions)) {
    const args = instruction.getArgumentsContent() ?? '';
    switch (instruction.getKeyword()) {
      case 'USER':
        result.user = args;
        break;
      case 'HEALTHCHECK': {
        // Flags (--interval …) are not part of the arguments' content.
        const { argv, shell } = parseCommand(args.replace(/^CMD\s+/i, ''));
        result.healthcheck = /^NONE$/i.test(args) ? { command: 'NONE', shell: false } : { command: argv, shell };
        break;
      }
      case 'CMD':
        result.cmd = parseCommand(args);
        break;
      case 'ENV':
        if (instruction instanceof Env) for (const property of instruction.getProperties()) result.env[property.getName()] = property.getValue() ?? '';
        break;
      case 'WORKDIR':
        result.workdir = resolvePath(result.workdir, args);
        break;
      case 'COPY':
      case 'ADD': {
        const paths = instruction.getArguments().map((argument) => argument.getValue());
        const from = instruction instanceof Copy ? instruction.getFromFlag()?.getValue() : undefined;
        result.copies.push({ ...(from ? { from } : {}), sources: paths.slice(0, -1), destination: resolvePath(result.workdir, paths[paths.length - 1] ?? '') });
        break;
      }
      case 'RUN':
        result.runs.push(args);
        break;
    }
  }
  return result;
}

/** Where a path given relative to the image's WORKDIR lands. */
export function inWorkdir(target: EffectiveTarget, path: string): string {
  return resolvePath(target.workdir, path);
}
