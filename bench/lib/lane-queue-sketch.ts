import type { Redis } from 'ioredis';
import type { RedisKeys } from '@sluice/shared';

/**
 * A SKETCH of the lane queue proposed in docs/stream-batch-redis-commands.md, only its happy path
 * (offer, take, finish, outcome), so that batch-commands.ts can measure what that design costs in
 * Redis commands next to Sluice's BullMQ path. Not Sluice's code and not a queue to use: no retries,
 * no heartbeat or sweep of a dead worker's taken list, no closing of blocked takers beyond a timeout.
 */

/**
 * KEYS[1] job hash, KEYS[2] ready list. ARGV[1] job id, ARGV[2] data, ARGV[3] the poller's result list.
 * Returns {0} added | {1} there already, running (notify now points here) | {2, outcome} finished.
 */
const OFFER = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  redis.call('HSET', KEYS[1], 'data', ARGV[2], 'state', 'waiting', 'notify', ARGV[3])
  redis.call('LPUSH', KEYS[2], ARGV[1])
  return {0}
end
if state == 'done' then return {2, redis.call('HGET', KEYS[1], 'outcome')} end
redis.call('HSET', KEYS[1], 'notify', ARGV[3])
return {1}`;

/**
 * KEYS[1] job hash, KEYS[2] the worker's taken list, KEYS[3] the result list read at take.
 * ARGV[1] job id, ARGV[2] outcome, ARGV[3] ms to keep the finished job.
 * Returns 0 | the current result list when a new owner re-pointed it (call again with that one).
 */
const FINISH = `
local notify = redis.call('HGET', KEYS[1], 'notify')
if notify ~= KEYS[3] then return notify end
redis.call('HSET', KEYS[1], 'state', 'done', 'outcome', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('LREM', KEYS[2], -1, ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[1] .. ' ' .. ARGV[2])
return 0`;

interface SketchCommands {
  sketchOffer(job: string, ready: string, jobId: string, data: string, notify: string): Promise<[number, string?]>;
  sketchFinish(job: string, taken: string, notify: string, jobId: string, outcome: string, keepMs: number): Promise<number | string>;
}

export interface LaneQueueSketch {
  /** Offers a batch and resolves with its outcome (the poller's side: offer, then its result list). */
  dispatch(jobId: string, data: string): Promise<string>;
  /** Stops the takers and the result reader (each returns within its 1 s block). */
  stop(): Promise<void>;
}

/**
 * One poller (its result list read by one BLMPOP loop) and `takers` worker slots (one BLMOVE each),
 * each on its own connection from `connect`; the worker's "invocation" returns at once.
 */
export async function startLaneQueueSketch(connect: () => Redis, keys: RedisKeys, takers: number): Promise<LaneQueueSketch> {
  const ready = keys.key('lane-sketch', 'ready');
  const jobKey = (jobId: string) => keys.key('lane-sketch', 'job', jobId);
  const results = keys.key('lane-sketch', 'results', 'poller-1');
  const poller = connect();
  poller.defineCommand('sketchOffer', { numberOfKeys: 2, lua: OFFER });
  const reader = connect();
  const waiters = new Map<string, (outcome: string) => void>();
  let running = true;
  const readLoop = (async () => {
    while (running) {
      const popped = (await reader.call('BLMPOP', '1', '1', results, 'LEFT', 'COUNT', '100')) as [string, string[]] | null;
      for (const entry of popped?.[1] ?? []) {
        const space = entry.indexOf(' ');
        waiters.get(entry.slice(0, space))?.(entry.slice(space + 1));
      }
    }
  })();
  const takerLoops = Array.from({ length: takers }, async (_, slot) => {
    const redis = connect();
    redis.defineCommand('sketchFinish', { numberOfKeys: 3, lua: FINISH });
    const taken = keys.key('lane-sketch', 'taken', `worker-1.${slot}`);
    while (running) {
      const jobId = await redis.blmove(ready, taken, 'RIGHT', 'LEFT', 1);
      if (jobId === null) continue;
      const [data, notify] = await redis.hmget(jobKey(jobId), 'data', 'notify');
      const outcome = JSON.stringify({ status: 'succeeded', bytes: data?.length ?? 0 });
      let target = notify ?? results;
      for (let answer = await (redis as unknown as SketchCommands).sketchFinish(jobKey(jobId), taken, target, jobId, outcome, 3_600_000); answer !== 0; ) {
        target = String(answer);
        answer = await (redis as unknown as SketchCommands).sketchFinish(jobKey(jobId), taken, target, jobId, outcome, 3_600_000);
      }
    }
    redis.disconnect();
  });
  return {
    async dispatch(jobId, data) {
      const outcome = new Promise<string>((resolve) => waiters.set(jobId, resolve));
      const [state, stored] = await (poller as unknown as SketchCommands).sketchOffer(jobKey(jobId), ready, jobId, data, results);
      if (state === 2) {
        waiters.delete(jobId);
        return stored!;
      }
      try {
        return await outcome;
      } finally {
        waiters.delete(jobId);
      }
    },
    async stop() {
      running = false;
      await Promise.all([readLoop, ...takerLoops]);
      poller.disconnect();
      reader.disconnect();
    },
  };
}
