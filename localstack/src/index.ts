export { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';
export { findFreePort, isPortInUse } from './free-port.js';
export { ensureRedis, pingRedis, type RedisHandle } from './ensure-redis.js';
export { startKinesisLocal, type KinesisLocalOptions, type KinesisLocalHandle } from './kinesis-local.js';
export { startMotoServer, type MotoServerOptions, type MotoServerResult } from './moto-server.js';
export { startLocalStackHost, type LocalStackHostOptions, type LocalStackHost } from './localstack-host.js';
export { startEmbeddedStack, type EmbeddedStackOptions, type EmbeddedStack } from './embedded-stack.js';
export { DEMO_NAME } from './demo-names.js';
export {
  seedDemoResources,
  seedAvailableDemoResources,
  type SeedDemoOptions,
  type DemoResources,
  type AvailableDemoResources,
  type SkippedDemoResource,
} from './seed-demo-resources.js';
export { startDemoFunction, type DemoFunctionOptions, type DemoFunction } from './demo-function.js';
export { runDemoProducer, type DemoProducerOptions } from './demo-producer.js';
export { registerDemo, type RegisterDemoOptions, type RegisteredDemo } from './register-demo.js';
export { pollUntil, type PollOptions } from './poll-until.js';
export { ensureDemoQueue, type DemoQueue } from './demo-queue.js';
export { startLocalRedisCluster, type LocalRedisCluster } from './redis-cluster.js';
