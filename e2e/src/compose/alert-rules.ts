import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const PROMQL_FUNCTIONS = new Set([
  'histogram_quantile',
  'max_over_time',
  'min_over_time',
  'avg_over_time',
  'sum_over_time',
  'count_over_time',
  'label_replace',
]);
/** prom-client exposes a histogram as these series. */
const HISTOGRAM_SUFFIX = /_(bucket|count|sum)$/;
/** prom-client's own process metrics and Prometheus's `up`. */
const BUILT_IN = new Set(['up']);

interface AlertRule {
  alert?: string;
  expr?: string;
  annotations?: { summary?: string };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every metric name the services register (`name: 'metric_name'` in a prom-client constructor). */
export function registeredMetricNames(repoRoot: string, workspaces: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const workspace of workspaces) {
    const src = join(repoRoot, workspace, 'src');
    if (!existsSync(src)) continue;
    for (const file of sourceFiles(src)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/name: '([a-z][a-z0-9_]*)'/g)) names.add(match[1]!);
    }
  }
  return names;
}

/**
 * deploy/alerts.yml: every rule has a name, an expression and a summary, and every metric an
 * expression reads is one the code registers (a renamed metric would silence its alert).
 */
export function checkAlertRules(file: string, registered: ReadonlySet<string>): string[] {
  if (!existsSync(file)) return [`${file} is missing`];
  const document = parse(readFileSync(file, 'utf8')) as { groups?: Array<{ rules?: AlertRule[] }> };
  const rules = (document.groups ?? []).flatMap((group) => group.rules ?? []);
  if (rules.length === 0) return [`${file} has no rules`];
  const problems: string[] = [];
  for (const rule of rules) {
    if (!rule.alert || !rule.expr || !rule.annotations?.summary) {
      problems.push(`a rule lacks alert, expr or annotations.summary: ${JSON.stringify(rule)}`);
      continue;
    }
    const withoutStrings = rule.expr.replace(/"[^"]*"/g, '""').replace(/\[[^\]]*\]/g, '');
    const selectors = withoutStrings.replace(/\{[^}]*\}/g, '').match(/[a-z_][a-z0-9_]*/g) ?? [];
    const labels = new Set((withoutStrings.match(/(?:by|without) \(([^)]*)\)/g) ?? []).flatMap((group) => group.replace(/.*\(|\)/g, '').split(/,\s*/)));
    for (const word of selectors) {
      if (
        PROMQL_FUNCTIONS.has(word) ||
        labels.has(word) ||
        ['by', 'without', 'and', 'or', 'unless', 'sum', 'max', 'min', 'rate', 'increase', 'le'].includes(word)
      )
        continue;
      const metric = word.replace(HISTOGRAM_SUFFIX, '');
      if (!BUILT_IN.has(word) && !registered.has(word) && !registered.has(metric)) problems.push(`${rule.alert} reads ${word}, which no service registers`);
    }
  }
  return problems;
}
