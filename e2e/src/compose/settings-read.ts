import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = /^\s*([A-Z][A-Z0-9_]*)\s*:/gm;

function configFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return configFiles(path);
    // config.ts, and the setting groups a config.ts spreads from elsewhere (track/track-settings.ts).
    return entry.name === 'config.ts' || entry.name.endsWith('-settings.ts') ? [path] : [];
  });
}

function keysIn(text: string): string[] {
  return [...text.matchAll(KEY)].map((match) => match[1] as string);
}

/** The keys of a shape service-kit exports (`commonConfig`, `jwtSecretConfig`, `metricsConfig(port)`, ...), which services spread into their own. */
function sharedShapeKeys(repoRoot: string, name: string): string[] {
  for (const file of ['config.ts', 'secrets-config.ts']) {
    const text = readFileSync(join(repoRoot, 'service-kit/src', file), 'utf8');
    // An object, or a function returning one (`metricsConfig(defaultPort)`).
    const block = new RegExp(`export const ${name} = (?:\\([^)]*\\) => \\()?\\{([\\s\\S]*?)\\n\\}\\)?;`).exec(text)?.[1];
    if (block) return keysIn(block);
  }
  return [];
}

/**
 * The env keys a workspace's config schema declares (every `config.ts` under its src, plus
 * the keys of each service-kit shape it spreads, e.g. `...commonConfig`). Only main.ts reads the
 * environment, through these schemas, so a key missing here is ignored at run time.
 */
export function settingsReadBy(repoRoot: string, dir: string): Set<string> {
  const keys = new Set<string>();
  for (const file of configFiles(join(repoRoot, dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    keysIn(text).forEach((key) => keys.add(key));
    for (const [, shape] of text.matchAll(/\.\.\.(\w+Config)\b/g)) sharedShapeKeys(repoRoot, shape as string).forEach((key) => keys.add(key));
  }
  return keys;
}
