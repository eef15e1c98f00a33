import { IDS, PERSONAS, type Persona } from './personas.js';

const { orderA, orderB, riderX, riderY, delivery } = IDS;

/** The topic classes of the access matrix: absolute topics, so "own" and "other" depend on the row. */
export const TOPIC_CLASSES = [
  { label: 'A/status', short: 'A/st', topic: `orders/${orderA}/status` },
  { label: 'A/tracking', short: 'A/tr', topic: `orders/${orderA}/tracking` },
  { label: 'A/location', short: 'A/lo', topic: `orders/${orderA}/location` },
  { label: 'A/signal', short: 'A/sg', topic: `orders/${orderA}/signal` },
  { label: 'A/receipt', short: 'A/rc', topic: `orders/${orderA}/receipt` },
  { label: 'B/status', short: 'B/st', topic: `orders/${orderB}/status` },
  { label: 'orders/+/status', short: 'o/+/s', topic: 'orders/+/status' },
  { label: 'orders/#', short: 'o/#', topic: 'orders/#' },
  { label: 'admin/orders', short: 'ad/o', topic: 'admin/orders' },
  { label: 'admin/#', short: 'ad/#', topic: 'admin/#' },
  { label: 'A/receipts', short: 'ad/rA', topic: `admin/receipts/${orderA}` },
  { label: 'X/assignments', short: 'X/as', topic: `riders/${riderX}/assignments` },
  { label: 'Y/assignments', short: 'Y/as', topic: `riders/${riderY}/assignments` },
  { label: 'X/deliveries/D/status', short: 'X/d/s', topic: `riders/${riderX}/deliveries/${delivery}/status` },
  { label: 'X/location', short: 'X/loc', topic: `riders/${riderX}/location` },
  { label: 'riders/+/location', short: 'r/+/l', topic: 'riders/+/location' },
  { label: 'X/heartbeat', short: 'X/hb', topic: `riders/${riderX}/heartbeat` },
  { label: 'X/presence', short: 'X/pr', topic: `riders/${riderX}/presence` },
  { label: 'riders/+/heartbeat', short: 'r/+/h', topic: 'riders/+/heartbeat' },
  { label: '$SYS/#', short: '$SYS', topic: '$SYS/#' },
  { label: '#', short: '#', topic: '#' },
] as const;

export type TopicLabel = (typeof TOPIC_CLASSES)[number]['label'];

/** S = may subscribe, P = may publish, SP = both, - = neither. Written out by hand from DESIGN.md. */
export type Rights = 'S' | 'P' | 'SP' | '-';

// prettier-ignore
const TABLE: Record<Persona, Rights[]> = {
  //               A/st  A/tr  A/lo  A/sg  A/rc  B/st  o/+/s o/#   ad/o  ad/#  ad/rA X/as  Y/as  X/d/s X/loc r/+/l X/hb  X/pr  r/+/h $SYS  #
  anonymous:       ['-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-'],
  customerA:       ['S',  'S',  'S',  'S',  'P',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-'],
  customerB:       ['-',  '-',  '-',  '-',  '-',  'S',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-'],
  riderX:          ['-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  'S',  '-',  'SP', 'SP', '-',  'SP', 'S',  '-',  '-',  '-'],
  riderY:          ['-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  'S',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-'],
  admin:           ['S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  'S',  '-'],
  notifier:        ['SP', 'SP', 'SP', 'SP', 'SP', 'SP', 'S',  'S',  'SP', 'S',  'SP', 'SP', 'SP', '-',  '-',  '-',  'S',  'S',  'S',  '-',  '-'],
  deliveryService: ['-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  '-',  'S',  '-',  '-',  'S',  'S',  'S',  '-',  '-',  '-',  '-',  '-'],
};

/** The expected rights of one persona, by topic label. */
export function expectedRow(persona: Persona, labels: readonly TopicLabel[]): Record<string, Rights> {
  const all = TABLE[persona];
  return Object.fromEntries(labels.map((label) => [label, all[TOPIC_CLASSES.findIndex((c) => c.label === label)]!]));
}

function classOf(label: TopicLabel) {
  return TOPIC_CLASSES.find((c) => c.label === label)!;
}

export const topicOf = (label: TopicLabel): string => classOf(label).topic;
export const shortLabelOf = (label: TopicLabel): string => classOf(label).short;

export const ALL_LABELS: readonly TopicLabel[] = TOPIC_CLASSES.map((c) => c.label);
export { PERSONAS };
