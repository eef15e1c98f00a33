import { credentialsOf, type Persona } from './personas.js';
import type { PacketClient } from './packet-client.js';
import { openPacketClient, type BrokerAddress, type TransportName } from './raw-transports.js';
import { shortLabelOf, topicOf, type Rights, type TopicLabel } from './access-table.js';

/** What the broker answered: the wire-level outcome of one attempt. */
export type Outcome = 'suback-1' | 'suback-128' | 'puback' | 'disconnected' | `connack-${number}`;

export interface CellResult {
  persona: Persona;
  label: TopicLabel;
  topic: string;
  op: 'subscribe' | 'publish';
  clientId: string;
  outcome: Outcome;
}

export interface RowResult {
  cells: CellResult[];
  /** Whether the subscribing client was still connected after its last SUBSCRIBE (null: never connected). */
  stillConnectedAfterSubscribes: boolean | null;
}

type Connected = { client: PacketClient } | { refused: Outcome };

async function connect(broker: BrokerAddress, transport: TransportName, persona: Persona, clientId: string): Promise<Connected> {
  const client = await openPacketClient(broker, transport);
  const connack = await client.connect(clientId, await credentialsOf(persona));
  if (connack.returnCode === 0) return { client };
  await client.waitUntilClosed();
  return { refused: `connack-${connack.returnCode ?? -1}` };
}

/** One connection subscribes to every filter in turn; a refused CONNECT is retried for each cell. */
export async function subscribeRow(broker: BrokerAddress, transport: TransportName, persona: Persona, labels: readonly TopicLabel[]): Promise<RowResult> {
  const cells: CellResult[] = [];
  let client: PacketClient | undefined;
  let clientId = '';
  for (const [i, label] of labels.entries()) {
    const topic = topicOf(label);
    if (!client) {
      clientId = `${transport}-${persona}-sub-${i}`;
      const attempt = await connect(broker, transport, persona, clientId);
      if ('refused' in attempt) {
        cells.push({ persona, label, topic, op: 'subscribe', clientId, outcome: attempt.refused });
        continue;
      }
      client = attempt.client;
    }
    cells.push({ persona, label, topic, op: 'subscribe', clientId, outcome: `suback-${await client.subscribe(topic)}` as Outcome });
  }
  const stillConnectedAfterSubscribes = client ? !client.closed : null;
  client?.close();
  return { cells, stillConnectedAfterSubscribes };
}

/** A refused publish costs the connection, so each publish gets its own. */
export async function publishRow(broker: BrokerAddress, transport: TransportName, persona: Persona, labels: readonly TopicLabel[]): Promise<CellResult[]> {
  const cells: CellResult[] = [];
  for (const [i, label] of labels.entries()) {
    const topic = topicOf(label);
    const clientId = `${transport}-${persona}-pub-${i}`;
    const attempt = await connect(broker, transport, persona, clientId);
    let outcome: Outcome;
    if ('refused' in attempt) outcome = attempt.refused;
    else {
      outcome = (await attempt.client.publish(topic, '{"probe":true}')) === 'puback' ? 'puback' : 'disconnected';
      attempt.client.close();
    }
    cells.push({ persona, label, topic, op: 'publish', clientId, outcome });
  }
  return cells;
}

export const isAllowed = (cell: CellResult) => cell.outcome === 'suback-1' || cell.outcome === 'puback';

/** Folds the subscribe and publish outcomes of one persona into S / P / SP / - per topic. */
export function observedRow(cells: CellResult[], persona: Persona, labels: readonly TopicLabel[]): Record<string, Rights> {
  const allowed = (label: TopicLabel, op: CellResult['op']) => cells.some((c) => c.persona === persona && c.label === label && c.op === op && isAllowed(c));
  return Object.fromEntries(
    labels.map((label) => {
      const rights = `${allowed(label, 'subscribe') ? 'S' : ''}${allowed(label, 'publish') ? 'P' : ''}`;
      return [label, (rights || '-') as Rights];
    }),
  );
}

/** A fixed-width grid for the test output. */
export function renderMatrix(cells: CellResult[], personas: readonly Persona[], labels: readonly TopicLabel[]): string {
  const width = 6;
  const header = ['persona'.padEnd(16), ...labels.map((l) => shortLabelOf(l).padStart(width))].join(' ');
  const rows = personas.map((p) => {
    const row = observedRow(cells, p, labels);
    return [p.padEnd(16), ...labels.map((l) => row[l]!.padStart(width))].join(' ');
  });
  return [header, ...rows].join('\n');
}
