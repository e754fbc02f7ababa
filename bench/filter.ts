/**
 * Filter evaluation rate: how many Kinesis records a second one core can run through a mapping's
 * FilterCriteria, against the raw cost of base64-decoding and JSON-parsing the same records' data
 * (what any consumer must do to look at them), measured in the same run, interleaved in chunks of
 * 500 records, in CPU time of the process.
 * Target: filtering costs at most 1.5 times the raw decode + parse (it includes that decode + parse).
 *
 *   node --import tsx bench/filter.ts          (BENCH_FILTER_RECORDS, BENCH_ROUNDS)
 */
import { buildKinesisStreamRecord, compileRecordFilter, type RecordFilter } from '@sluice/shared';
import { fixed, loadLine, printTable, stamp } from './lib/report.js';

const RECORDS = Number(process.env.BENCH_FILTER_RECORDS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET = 1.5;
const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/bench-filter';

/** Order events of ~350 bytes, the kind of payload a filtered stream carries. */
function makeRecords(count: number): Record<string, unknown>[] {
  const types = ['buy', 'sell', 'hold', 'cancel'];
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];
  return Array.from({ length: count }, (_, i) => {
    const event = {
      id: `ord-${100000 + i}`,
      type: types[i % 4],
      region: regions[(i >> 2) % 4],
      customer: { id: `c-${i % 977}`, tier: i % 10 === 0 ? 'GOLD' : 'standard', email: `user${i}@example.com` },
      order: { quantity: (i * 37) % 2000, price: ((i * 13) % 10000) / 100, currency: 'USD', items: [{ sku: `sku-${i % 50}`, qty: 1 + (i % 3) }] },
      tags: ['web', i % 2 === 0 ? 'promo' : 'regular'],
      createdAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    };
    return buildKinesisStreamRecord(
      { SequenceNumber: String(10n ** 20n + BigInt(i)), PartitionKey: `key-${i % 64}`, Data: Buffer.from(JSON.stringify(event)), ApproximateArrivalTimestamp: new Date(1_700_000_000_000 + i) },
      { shardId: 'shardId-000000000000', streamArn },
    ).lambdaRecord;
  });
}

const CASES: { name: string; patterns: string[] }[] = [
  { name: 'one exact field', patterns: ['{"data":{"type":["buy"]}}'] },
  {
    name: 'nested AND: exact OR-list, numeric range, prefix',
    patterns: ['{"data":{"type":["buy","sell"],"order":{"quantity":[{"numeric":[">",100,"<=",1000]}]},"region":[{"prefix":"us-"}]}}'],
  },
  {
    name: '3 filters: anything-but, exists:false, $or, suffix, ignore-case, array of objects',
    patterns: [
      '{"data":{"type":[{"anything-but":["cancel","hold"]}],"customer":{"tier":[{"equals-ignore-case":"gold"}]}}}',
      '{"data":{"customer":{"email":[{"suffix":"@example.org"}]},"coupon":[{"exists":false}]}}',
      '{"data":{"$or":[{"tags":["promo"]},{"order":{"items":{"sku":["sku-7"]}}}],"region":[{"anything-but":{"prefix":"ap-"}}]}}',
    ],
  },
  { name: 'metadata only (partitionKey prefix; data not decoded)', patterns: ['{"partitionKey":[{"prefix":"key-1"}]}'] },
  { name: 'exact number literal (text compared when values are equal)', patterns: ['{"data":{"order":{"quantity":[370]}}}'] },
];

/** CPU milliseconds of this process (user + system): steadier than wall time on a loaded machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const CHUNK = 500;

/**
 * One round: the records in chunks of 500, each chunk through the baseline and then the filter,
 * so both see the same machine from one moment to the next. Returns the CPU ms of each.
 */
function round(filter: RecordFilter, records: readonly Record<string, unknown>[]): { rawMs: number; filterMs: number; matched: number; sink: number } {
  let rawMs = 0;
  let filterMs = 0;
  let matched = 0;
  let sink = 0;
  for (let from = 0; from < records.length; from += CHUNK) {
    const chunk = records.slice(from, from + CHUNK);
    let t = cpuMs();
    for (const record of chunk) {
      const data = (record.kinesis as { data: string }).data;
      const parsed = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { type?: string };
      if (parsed.type === 'buy') sink += 1;
    }
    const mid = cpuMs();
    rawMs += mid - t;
    for (const record of chunk) if (filter.matches(record)) matched += 1;
    t = cpuMs();
    filterMs += t - mid;
  }
  return { rawMs, filterMs, matched, sink };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function main(): void {
  console.log(`bench/filter.ts ${stamp()}, ${loadLine()}, ${RECORDS} records x ${ROUNDS} rounds, node ${process.version}`);
  const records = makeRecords(RECORDS);
  const bytes = records.reduce((sum, r) => sum + Buffer.from((r.kinesis as { data: string }).data, 'base64').length, 0) / records.length;
  console.log(`records: ${fixed(bytes)} bytes of JSON data on average`);
  const rows: string[][] = [];
  let worst = 0;
  for (const testCase of CASES) {
    const filter = compileRecordFilter(testCase.patterns, 'kinesis');
    round(filter, records); // warm-up of both paths
    const raw: number[] = [];
    const filtered: number[] = [];
    const ratios: number[] = [];
    let matched = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      const r = round(filter, records);
      raw.push(r.rawMs);
      filtered.push(r.filterMs);
      ratios.push(r.filterMs / r.rawMs);
      matched = r.matched;
    }
    const ratio = median(ratios);
    if (!testCase.name.startsWith('metadata')) worst = Math.max(worst, ratio);
    rows.push([
      testCase.name,
      `${fixed((matched / RECORDS) * 100)}%`,
      fixed(RECORDS / (median(raw) / 1000)),
      fixed(RECORDS / (median(filtered) / 1000)),
      `${fixed(ratio, 2)} (${ratios.map((x) => fixed(x, 2)).join(', ')})`,
      ratio <= TARGET ? 'met' : 'MISSED',
    ]);
  }
  printTable(
    `Filter evaluation, one core (median of ${ROUNDS} rounds; ${loadLine()} at the end)`,
    ['FilterCriteria', 'matched', 'raw decode+parse records/CPU-s', 'filter records/CPU-s', 'filter / raw CPU time (rounds)', `<= ${TARGET}`],
    rows,
  );
  console.log(`worst ratio over data patterns: ${fixed(worst, 2)} (target <= ${TARGET})`);
}

main();
