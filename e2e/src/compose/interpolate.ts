/**
 * Compose's variable interpolation, enough to read docker-compose.yml the way `docker compose`
 * does without a Docker client: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, nested in defaults too.
 */

export interface VariableUse {
  name: string;
  /** `required`: `?` forms; `defaulted`: `-` forms; `plain`: `${VAR}` / `$VAR`; `alternative`: `+` forms. */
  kind: 'required' | 'defaulted' | 'plain' | 'alternative';
  /** With `:`, an empty value counts as unset. */
  emptyIsUnset: boolean;
  /** The default, alternative or error text after the operator. */
  argument: string;
}

export class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    readonly hint: string,
  ) {
    super(`required variable ${variable} is missing a value: ${hint}`);
    this.name = 'MissingVariableError';
  }
}

type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Calls `onVariable` for every `${…}` / `$VAR` in `text` and returns the text with each replaced. */
function scan(text: string, onVariable: (use: VariableUse) => string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, i + 1);
      if (close < 0) throw new Error(`unclosed \${ in ${JSON.stringify(text)}`);
      out += onVariable(parseBraced(text.slice(i + 2, close)));
      i = close + 1;
      continue;
    }
    const bare = NAME.exec(text.slice(i + 1));
    if (bare) {
      out += onVariable({ name: bare[0], kind: 'plain', emptyIsUnset: false, argument: '' });
      i += 1 + bare[0].length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function parseBraced(body: string): VariableUse {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new Error(`bad variable reference \${${body}}`);
  const rest = body.slice(name.length);
  if (rest === '') return { name, kind: 'plain', emptyIsUnset: false, argument: '' };
  const emptyIsUnset = rest.startsWith(':');
  const op = emptyIsUnset ? rest[1] : rest[0];
  const argument = rest.slice(emptyIsUnset ? 2 : 1);
  const kind = op === '?' ? 'required' : op === '-' ? 'defaulted' : op === '+' ? 'alternative' : undefined;
  if (!kind) throw new Error(`bad variable reference \${${body}}`);
  return { name, kind, emptyIsUnset, argument };
}

/** Every variable a string refers to, defaults' own references included. */
export function variablesIn(text: string): VariableUse[] {
  const uses: VariableUse[] = [];
  scan(text, (use) => {
    uses.push(use);
    if (use.argument) uses.push(...variablesIn(use.argument));
    return '';
  });
  return uses;
}

/** The string as compose would see it with this environment; throws MissingVariableError like compose. */
export function interpolate(text: string, env: Env): string {
  return scan(text, (use) => {
    const value = env[use.name];
    const unset = value === undefined || (use.emptyIsUnset && value === '');
    switch (use.kind) {
      case 'plain':
        return value ?? '';
      case 'defaulted':
        return unset ? interpolate(use.argument, env) : (value as string);
      case 'alternative':
        return unset ? '' : interpolate(use.argument, env);
      case 'required':
        if (unset) throw new MissingVariableError(use.name, use.argument);
        return value as string;
    }
  });
}

/** `true` when the whole string is one `${VAR:?…}` / `${VAR?…}` reference and nothing else. */
export function isOnlyRequiredVariable(text: string): boolean {
  const match = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$/.exec(text);
  return match !== null;
}

/** Deep copy of a parsed YAML document with every string interpolated (keys stay as they are). */
export function interpolateDocument<T>(value: T, env: Env): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateDocument(item, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateDocument(item, env)])) as T;
  }
  return value;
}

/** Every variable referenced anywhere in a parsed document. */
export function variablesInDocument(value: unknown): VariableUse[] {
  if (typeof value === 'string') return variablesIn(value);
  if (Array.isArray(value)) return value.flatMap(variablesInDocument);
  if (value && typeof value === 'object') return Object.values(value).flatMap(variablesInDocument);
  return [];
}
