export { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';
export { findFreePort, isPortInUse } from './free-port.js';
export { ensureRedis, pingRedis, type RedisHandle } from './ensure-redis.js';
export { startKinesisLocal, type KinesisLocalOptions, type KinesisLocalHandle } from './kinesis-local.js';
export { startMotoServer, type MotoServerOptions, type MotoServerResult } from './moto-server.js';
export { startEmbeddedStack, type EmbeddedStackOptions, type EmbeddedStack } from './embedded-stack.js';
