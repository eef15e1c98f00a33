/** One line a process wrote, as the harness captured it. */
interface LoggedLine {
  process: string;
  line: string;
}

export interface LogFigures {
  lines: number;
  /** Bytes including each line's newline. */
  bytes: number;
  /** The lines themselves, for assertions on what was said. */
  text: string[];
}

/**
 * Keeps every line every process of a system writes (pass `record` as startSystem's `onLine`),
 * so an attack's share can be counted from a mark: the log an attacker makes the system write.
 */
export class LogMeter {
  private readonly all: LoggedLine[] = [];

  readonly record = (process: string, line: string): void => {
    this.all.push({ process, line });
  };

  /** A position in the log; `since` counts from it. */
  mark(): number {
    return this.all.length;
  }

  /** The lines `process` wrote since `mark`, leaving out those `exclude` names (e.g. a bystander's own requests). */
  since(mark: number, process: string, exclude: (line: string) => boolean = () => false): LogFigures {
    const text = this.all
      .slice(mark)
      .filter((l) => l.process === process && !exclude(l.line))
      .map((l) => l.line);
    return { lines: text.length, bytes: text.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0), text };
  }

  /**
   * Refusals `process` has accounted for since `mark`: its lines that `isRefusal` accepts plus
   * those its rate-limited log left out and summed up ('suppressed log lines', service-kit).
   */
  refusalsAccounted(mark: number, process: string, isRefusal: (line: string) => boolean): number {
    const lines = this.since(mark, process).text;
    const summaries = lines.filter((l) => l.includes('"msg":"suppressed log lines"'));
    const suppressed = summaries.reduce((n, l) => n + Number(/"suppressed":(\d+)/.exec(l)?.[1] ?? 0), 0);
    return lines.filter((l) => !l.includes('"msg":"suppressed log lines"') && isRefusal(l)).length + suppressed;
  }

  /** True once `process` has written a line since `mark` that `match` accepts. */
  has(mark: number, process: string, match: (line: string) => boolean): boolean {
    return this.all.slice(mark).some((l) => l.process === process && match(l.line));
  }
}
