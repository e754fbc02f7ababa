/**
 * The worker role as its own process, for tests that kill a worker: configured from the
 * environment like `sluice start --role worker`, prints "worker ready" once it takes jobs, stops
 * gracefully on SIGTERM. Run with `node --import tsx` and TSX_TSCONFIG_PATH=test/tsconfig.json
 * (its paths point @sluice/* at the sources), see workerChildCommand().
 */
import { createLogger, createSluiceMetrics, loadConfig } from '@sluice/shared';
import { startWorkerRole } from '@sluice/worker';

const config = loadConfig();
const logger = createLogger({ level: config.SLUICE_LOG_LEVEL, name: 'worker-child' });
const worker = await startWorkerRole(config, { logger, metrics: createSluiceMetrics() });
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => {
  void worker.stop().then(() => process.exit(0));
});
