import { prettyFactory } from 'pino-pretty';

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];
const RESET = '\x1b[0m';

/** Turns each child's pino JSON lines into readable lines prefixed with the child's name. */
export function createLinePrinter(names: string[], colour: boolean): (name: string, line: string) => void {
  const width = Math.max(...names.map((n) => n.length));
  const prettify = prettyFactory({
    colorize: colour,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,name',
    singleLine: true,
  });
  return (name, line) => {
    const index = Math.max(0, names.indexOf(name));
    const prefix = colour ? `${COLOURS[index % COLOURS.length]}${name.padEnd(width)}${RESET} |` : `${name.padEnd(width)} |`;
    let text = line;
    if (line.startsWith('{')) {
      try {
        text = prettify(JSON.parse(line)).trimEnd();
      } catch {
        text = line;
      }
    }
    process.stdout.write(`${prefix} ${text}\n`);
  };
}
