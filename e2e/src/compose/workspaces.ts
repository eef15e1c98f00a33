import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Workspace {
  /** Folder, relative to the repository root. */
  dir: string;
  name: string;
  dependencies: Record<string, string>;
}

/** The root package.json's workspaces, each with its package name and runtime dependencies. */
export function readWorkspaces(root: string): Workspace[] {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  return (rootManifest.workspaces ?? []).map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
    return { dir, name: manifest.name, dependencies: manifest.dependencies ?? {} };
  });
}

/** The workspaces a workspace needs at run time, transitively (contracts, service-kit, …). */
export function workspaceDependencies(workspaces: Workspace[], dir: string): Workspace[] {
  const byName = new Map(workspaces.map((workspace) => [workspace.name, workspace]));
  const found = new Map<string, Workspace>();
  const visit = (workspace: Workspace) => {
    for (const name of Object.keys(workspace.dependencies)) {
      const dependency = byName.get(name);
      if (dependency && !found.has(dependency.dir)) {
        found.set(dependency.dir, dependency);
        visit(dependency);
      }
    }
  };
  const start = workspaces.find((workspace) => workspace.dir === dir);
  if (start) visit(start);
  return [...found.values()];
}
