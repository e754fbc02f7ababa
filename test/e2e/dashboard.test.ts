import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from '../helpers/chromium.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { createTestStream, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';
import type { RecordingFunction } from '../helpers/recording-function.js';
import { createStreamMapping, deleteSettledMapping } from '../helpers/sluice-lambda.js';
import { callSluiceApi, registerFunction, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import { createSourceQueue, sqsClient } from '../helpers/sqs-source-queue.js';
import { uniqueName } from '../helpers/unique-name.js';

// The dashboard in a real browser (Debian's Chromium driven by playwright-core): Sluice runs as a
// separate process with every role on kinesis-local and moto, records flow while the pages are
// looked at, and screenshots go to test-artifacts/dashboard/.
const stack = inject('stack');
const prefix = uniqueName('e2e-dash');
const fnName = uniqueName('dash-fn');
let harness: SluiceWithFunction<SluiceProcess>;
let sluice: SluiceProcess;
let lambda: LambdaClient;
let fn: RecordingFunction;
let kinesis: KinesisClient;
let sqs: SQSClient;
let browser: TestBrowser;
/** Streams whose records the function fails. */
const broken = new Set<string>();

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  sqs = sqsClient(stack.motoEndpoint);
  [browser, harness] = await Promise.all([launchChromium('dashboard'), startSluiceWithFunction(stack, { prefix, functionName: fnName })]);
  ({ sluice, lambda, fn } = harness);
  fn.respond = (event) => (broken.has(String(event.Records[0]?.eventSourceARN)) ? { status: 500, body: { errorMessage: 'boom' } } : { status: 200 });
});

afterAll(async () => {
  await browser?.close();
  kinesis?.destroy();
  sqs?.destroy();
  await harness?.close();
});

/** The locator's text now, '' when nothing matches yet (no auto-wait: expect.poll does the waiting, within its timeout). */
const text = async (locator: Locator) => (await locator.allTextContents()).join('');
const screenshot = (page: Page, name: string) => page.screenshot({ path: browser.screenshotPath(name), fullPage: true });
/** Waits (the page polls by itself: nothing reloads it) until the locator's text matches. */
const untilText = (locator: Locator, pattern: RegExp, timeout = 20_000) => expect.poll(() => text(locator), { timeout, interval: 250 }).toMatch(pattern);
/** A rate cell showing something above zero ("12/s", "0.4/s"). */
const MOVING = /^(?:[1-9][\d,]*(?:\.\d)?|0\.[1-9])\/s$/;

describe('dashboard', () => {
  it('shows mappings, stream shards (lease, checkpoint, lag, records per second) and queue figures live, and the functions and S3 bindings', async () => {
    const streamName = uniqueName('dash-stream');
    const streamArn = await createTestStream(kinesis, streamName, 2);
    const streamUuid = await createStreamMapping(lambda, fnName, { EventSourceArn: streamArn, BatchSize: 10 });
    const queue = await createSourceQueue(sqs, uniqueName('dash-queue'));
    const { UUID: queueUuid } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fnName, EventSourceArn: queue.arn, BatchSize: 10 }));
    const bucket = uniqueName('dash-bucket');
    expect((await callSluiceApi(sluice.url, 'POST', '/sluice/v1/s3-bindings', { Bucket: bucket, Events: ['s3:ObjectCreated:*'], FunctionName: fnName })).status).toBe(201);
    // Records and messages keep coming while the pages are looked at.
    let n = 0;
    const producing = setInterval(() => {
      void putJsonRecords(kinesis, streamName, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], (n += 8)).catch(() => undefined);
      void queue.send(['1', '2', '3', '4', '5']).catch(() => undefined);
    }, 250);
    const page = await browser.context.newPage();
    try {
      await page.goto(`${sluice.url}/dashboard`);

      // Mappings: state, source kind and ARN, function.
      const streamRow = page.locator(`tr[data-mapping="${streamUuid}"]`);
      const queueRow = page.locator(`tr[data-mapping="${queueUuid}"]`);
      await untilText(streamRow, new RegExp(`Enabled.*Kinesis ${streamName}.*${streamArn}.*${fnName}`));
      await untilText(queueRow, new RegExp(`Enabled.*SQS ${queue.name}.*${queue.arn}.*${fnName}`));
      expect(await page.locator('.status').textContent()).toMatch(/^Live/);
      await screenshot(page, 'mappings');

      // Streams: both shards held by the poller in this process, checkpointed, with lag and a moving rate.
      await page.click('a[href="#/streams"]');
      const shards = page.locator(`[data-stream="${streamUuid}"] tr[data-shard]`);
      await expect.poll(() => shards.count(), { timeout: 20_000 }).toBe(2);
      for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
        const row = page.locator(`[data-stream="${streamUuid}"] tr[data-shard="${shardId}"]`);
        await untilText(row, /held.*this process/);
        await untilText(row.locator('td').nth(3), /^\d{20,}$/);
        await untilText(row.locator('td').nth(4), /^\d+(\.\d)? m?s$/);
        await untilText(row.locator('td').nth(5), /^\d+(\.\d)? m?s$/);
      }
      const rates = page.locator(`[data-stream="${streamUuid}"] tr[data-shard] td:nth-child(7)`);
      await expect.poll(async () => (await rates.allTextContents()).some((r) => MOVING.test(r)), { timeout: 20_000 }).toBe(true);
      // The page updates in place: the records-read count grows without a reload.
      const readCell = page.locator(`[data-stream="${streamUuid}"] tr[data-shard="shardId-000000000000"] td`).nth(7);
      const readBefore = Number((await text(readCell)).replace(/,/g, ''));
      await expect.poll(async () => Number((await text(readCell)).replace(/,/g, '')), { timeout: 10_000 }).toBeGreaterThan(readBefore);
      expect(await page.locator(`[data-stream="${streamUuid}"] .chart canvas`).count()).toBeGreaterThan(0);
      await untilText(page.locator(`[data-stream="${streamUuid}"] .u-legend`), /shardId-000000000000.*shardId-000000000001/);
      await screenshot(page, 'streams');

      // Queues: pollers, in flight, backlog and message rates of the SQS mapping.
      await page.click('a[href="#/queues"]');
      const queueFigures = page.locator(`tr[data-queue="${queueUuid}"] td`);
      await untilText(queueFigures.nth(1), new RegExp(`^${queue.name}$`));
      await untilText(queueFigures.nth(2), /^[1-9]\d*$/);
      await expect.poll(async () => MOVING.test(await text(queueFigures.nth(5))), { timeout: 20_000 }).toBe(true);
      await expect.poll(async () => MOVING.test(await text(queueFigures.nth(6))), { timeout: 20_000 }).toBe(true);
      expect(Number((await queueFigures.nth(5).getAttribute('title'))?.match(/^([\d,]+) in all$/)?.[1]?.replace(/,/g, ''))).toBeGreaterThan(0);
      await untilText(page.locator('.queues .u-legend'), /received.*deleted.*failed/);
      await screenshot(page, 'queues');

      // One mapping's own page.
      await page.click('a[href="#/mappings"]');
      await page.click(`tr[data-mapping="${streamUuid}"] a`);
      await untilText(page.locator('.facts'), new RegExp(`Kinesis ${streamArn}.*${fnName}.*batches succeeded`));
      await expect.poll(() => page.locator(`[data-stream="${streamUuid}"] tr[data-shard]`).count()).toBe(2);

      // Functions and S3 bindings, from their registries' routes.
      await page.click('a[href="#/functions"]');
      await untilText(page.locator(`tr[data-function="${fnName}"]`), new RegExp(`${fnName}.*http ${fn.url}.*3 s.*128 MB`));
      await page.click('a[href="#/s3-bindings"]');
      await untilText(page.locator('tr[data-binding]').filter({ hasText: bucket }), new RegExp(`${bucket}.*s3:ObjectCreated:\\*.*function:${fnName}.*direct`));
      await screenshot(page, 's3-bindings');
    } finally {
      clearInterval(producing);
      await page.close();
    }
    await Promise.all([deleteSettledMapping(lambda, streamUuid), deleteSettledMapping(lambda, queueUuid!)]);
    await queue.delete();
  });

  it('inspects a dead letter, replays it to the fixed function and purges the next one, from the dead-letter view', async () => {
    const name = uniqueName('dash-dlq');
    const arn = await createTestStream(kinesis, name, 1);
    broken.add(arn);
    await putJsonRecords(kinesis, name, ['k', 'k']);
    const uuid = await createStreamMapping(lambda, fnName, { EventSourceArn: arn, MaximumRetryAttempts: 0 });
    const sent = () => fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn).map((e) => e.event.Records);
    const page = await browser.context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await page.goto(`${sluice.url}/dashboard#/dead-letters`);
      await page.fill('input[name="MappingId"]', uuid);
      await page.click('button:text("Filter")');
      const rows = page.locator('tr[data-dead-letter]');
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
      await untilText(rows.first(), new RegExp(`stream-batch.*${fnName}.*2.*RetryAttemptsExhausted.*0`));
      const id = await rows.first().getAttribute('data-dead-letter');

      await rows.first().locator('button:text("Inspect")').click();
      const inspector = page.locator('aside.inspector');
      await untilText(inspector.locator('pre'), /"condition": "RetryAttemptsExhausted"[\s\S]*"Payload"/);
      const shown = JSON.parse(await text(inspector.locator('pre'))) as { Id: string; Payload: { Records: unknown[] } };
      expect(shown.Id).toBe(id);
      expect(shown.Payload.Records).toEqual(sent()[0]);
      await screenshot(page, 'dead-letter-inspect');

      // The function is fixed; Replay sends the parked records again and the entry goes.
      broken.delete(arn);
      const before = sent().length;
      await inspector.locator('button:text("Replay")').click();
      await untilText(page.locator('.notice'), new RegExp(`Replay of ${id} queued`));
      await untilText(inspector, /This dead letter is gone/, 30_000);
      await untilText(page.locator('main'), /No dead letters match/);
      expect(sent().slice(before)).toEqual([shown.Payload.Records]);
      await screenshot(page, 'dead-letter-replayed');

      // Another failure, purged with the mapping's filter.
      broken.add(arn);
      await putJsonRecords(kinesis, name, ['k'], 10);
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
      await page.click('button:text("Purge matching")');
      await untilText(page.locator('.notice'), /^Purged 1 dead letters\.$/);
      await untilText(page.locator('main'), /No dead letters match/);
      expect((await callSluiceApi(sluice.url, 'GET', `/sluice/v1/dead-letters?MappingId=${uuid}`)).body).toEqual({ DeadLetters: [] });
    } finally {
      await page.close();
    }
    await deleteSettledMapping(lambda, uuid);
  });

  it('asks for SLUICE_API_TOKEN, refuses a wrong one, shows the data with the right one and sends it only as a Bearer header', async () => {
    const token = 'the-dashboard-test-token';
    const tokenPrefix = uniqueName('e2e-dash-token');
    // The API role alone, as in a split deployment: no poller in this process.
    const api = await startSluice({ env: stackEnv(stack, tokenPrefix, { SLUICE_API_TOKEN: token, SLUICE_VALIDATE_SOURCES: 'false' }) });
    const bearer = { authorization: `Bearer ${token}` };
    const page = await browser.context.newPage();
    try {
      expect((await registerFunction(api.url, { FunctionName: 'guarded', Invoker: { Type: 'http', Url: 'http://127.0.0.1:9/guarded' } }, bearer)).status).toBe(201);
      const created = await callSluiceApi(
        api.url,
        'POST',
        '/2015-03-31/event-source-mappings/',
        { FunctionName: 'guarded', EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/guarded', StartingPosition: 'LATEST' },
        bearer,
      );
      expect(created.status).toBe(202);
      const uuid = (created.body as { UUID: string }).UUID;
      const calls: { url: string; authorization: string | undefined; status?: number }[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname.startsWith('/sluice/v1/')) calls.push({ url: response.url(), authorization: response.request().headers().authorization, status: response.status() });
      });

      await page.goto(`${api.url}/dashboard`);
      const prompt = page.locator('form.token-prompt');
      await untilText(prompt, /API token.*needs its API token/);
      expect(await page.locator('tr[data-mapping]').count()).toBe(0);
      expect(calls).toEqual([{ url: `${api.url}/sluice/v1/dashboard`, authorization: undefined, status: 401 }]);

      await page.fill('input[name="token"]', 'not-the-right-token');
      await page.click('button:text("Open the dashboard")');
      await untilText(page.locator('[role="alert"]'), /^The API refused this token\.$/);
      expect(await prompt.count()).toBe(1);
      await screenshot(page, 'token-refused');

      await page.fill('input[name="token"]', token);
      await page.click('button:text("Open the dashboard")');
      await untilText(page.locator(`tr[data-mapping="${uuid}"]`), /Enabled.*Kinesis guarded.*guarded/);
      await untilText(page.locator('.banner'), /No poller runs in this API process/);
      await page.click('a[href="#/functions"]');
      await untilText(page.locator('tr[data-function="guarded"]'), /guarded.*http/);
      await screenshot(page, 'token-accepted');

      // The token travels in the Authorization header only: never in a URL, and the page's own URL has none.
      const after = calls.slice(1);
      expect(after.filter((c) => c.authorization === 'Bearer not-the-right-token').map((c) => c.status)).toEqual([401]);
      const accepted = after.filter((c) => c.authorization === `Bearer ${token}`);
      expect(accepted.length).toBeGreaterThan(1);
      expect(accepted.every((c) => c.status === 200)).toBe(true);
      expect(calls.some((c) => c.url.includes(token))).toBe(false);
      expect(page.url()).not.toContain(token);

      // A reload in the same tab keeps the token for the session; the page itself needs none.
      await page.reload();
      await untilText(page.locator('tr[data-function="guarded"]'), /guarded.*http/);
      expect(await prompt.count()).toBe(0);
      const bare = await Promise.all([`${api.url}/dashboard`, `${api.url}/sluice/v1/dashboard`].map(async (url) => (await fetch(url)).status));
      expect(bare).toEqual([200, 401]);
    } finally {
      await page.close();
      await api.stop();
      await deleteRedisPrefix(stack.redisUrl, tokenPrefix);
    }
  });
});
