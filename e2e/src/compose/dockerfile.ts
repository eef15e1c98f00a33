/**
 * A small Dockerfile reader: instructions (continuations joined, comments dropped), stages, and
 * what a build target ends up with once the stages it is built `FROM` are followed.
 */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  /** `FROM <base>`: an image, or the name of an earlier stage. */
  base: string;
  name?: string;
  index: number;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** `ARG`s before the first `FROM`, with their defaults: usable in `FROM` lines. */
  globalArgs: Record<string, string>;
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
  /** The image the chain starts from, `ARG` defaults substituted. */
  baseImage: string;
  user?: string;
  healthcheck?: { options: Record<string, string>; command: string[] | 'NONE'; shell: boolean };
  cmd?: { argv: string[]; shell: boolean };
  env: Record<string, string>;
  workdir: string;
  copies: CopyInstruction[];
  runs: string[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions = readInstructions(text);
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const [base = '', as, name] = words;
      stages.push({ base, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), index: stages.length, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') Object.assign(globalArgs, parseKeyValues(instruction.args));
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function readInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comments (and parser directives) are whole lines; inside a continuation they are dropped.
    if (trimmed.startsWith('#')) return;
    if (!pending && trimmed === '') return;
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, '') : raw;
    pending = pending ? { text: `${pending.text} ${piece.trim()}`, line: pending.line } : { text: piece.trim(), line: index + 1 };
    if (!continued) {
      const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
      if (match?.[1]) instructions.push({ keyword: match[1].toUpperCase(), args: (match[2] ?? '').trim(), line: pending.line });
      pending = undefined;
    }
  });
  return instructions;
}

/** `A=1 B="two words"` (or the legacy `KEY value` form) as a map. */
export function parseKeyValues(args: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key, ...value] = args.split(/\s+/);
    if (key) result[key] = value.join(' ');
    return result;
  }
  const pair = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const match of args.matchAll(pair)) {
    const [, key = '', rawValue = ''] = match;
    result[key] = /^["']/.test(rawValue) ? rawValue.slice(1, -1) : rawValue;
  }
  return result;
}

/** `["node", "x.js"]` → exec form; anything else → shell form. */
function parseCommand(args: string): { argv: string[]; shell: boolean } {
  if (args.startsWith('[')) {
    try {
      const argv: unknown = JSON.parse(args);
      if (Array.isArray(argv) && argv.every((item) => typeof item === 'string')) return { argv, shell: false };
    } catch {
      // Docker runs a malformed JSON array as a shell command; so do we.
    }
  }
  return { argv: ['/bin/sh', '-c', args], shell: true };
}

function parseHealthcheck(args: string): EffectiveTarget['healthcheck'] {
  if (args.toUpperCase() === 'NONE') return { options: {}, command: 'NONE', shell: false };
  const options: Record<string, string> = {};
  let rest = args;
  for (let option = /^--([a-z-]+)=(\S+)\s+/.exec(rest); option; option = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
    options[option[1] as string] = option[2] as string;
    rest = rest.slice(option[0].length);
  }
  rest = rest.replace(/^CMD\s+/i, '');
  const command = parseCommand(rest);
  return { options, command: command.argv, shell: command.shell };
}

function parseCopy(args: string): CopyInstruction {
  const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), destination: paths[paths.length - 1] ?? '' };
}

export function findStage(dockerfile: Dockerfile, name: string): Stage | undefined {
  return dockerfile.stages.find((stage) => stage.name?.toLowerCase() === name.toLowerCase());
}

function substituteArgs(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced?: string, bare?: string) => args[(braced ?? bare) as string] ?? '');
}

function resolvePath(workdir: string, path: string): string {
  if (path.startsWith('/')) return path.replace(/\/+$/, '') || '/';
  const joined = `${workdir.replace(/\/+$/, '')}/${path}`.split('/');
  const parts: string[] = [];
  for (const part of joined) {
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
    const base: string = stage.base;
    stage = dockerfile.stages.find((candidate) => candidate.index < (stage as Stage).index && candidate.name?.toLowerCase() === base.toLowerCase());
  }
  const result: EffectiveTarget = {
    chain,
    baseImage: substituteArgs(chain[0]?.base ?? '', dockerfile.globalArgs),
    env: {},
    workdir: '/',
    copies: [],
    runs: [],
  };
  for (const instruction of chain.flatMap((link) => link.instructions)) {
    switch (instruction.keyword) {
      case 'USER':
        result.user = instruction.args;
        break;
      case 'HEALTHCHECK': {
        const healthcheck = parseHealthcheck(instruction.args);
        if (healthcheck) result.healthcheck = healthcheck;
        break;
      }
      case 'CMD':
        result.cmd = parseCommand(instruction.args);
        break;
      case 'ENV':
        Object.assign(result.env, parseKeyValues(instruction.args));
        break;
      case 'WORKDIR':
        result.workdir = resolvePath(result.workdir, instruction.args);
        break;
      case 'COPY':
      case 'ADD': {
        const copy = parseCopy(instruction.args);
        result.copies.push({ ...copy, destination: resolvePath(result.workdir, copy.destination) });
        break;
      }
      case 'RUN':
        result.runs.push(instruction.args);
        break;
    }
  }
  return result;
}

/** Where a path given relative to the image's WORKDIR lands. */
export function inWorkdir(target: EffectiveTarget, path: string): string {
  return resolvePath(target.workdir, path);
}
