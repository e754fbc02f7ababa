export { loadConfig, envSchema, type SluiceConfig, type Env } from './config/env.js';
export { SluiceError } from './errors/sluice-error.js';
export { ConfigError } from './errors/config-error.js';
export { createLogger, type Logger } from './log/logger.js';
export { createAwsClients, type AwsClients } from './aws/clients.js';
export { endpointFor, type AwsService } from './aws/endpoints.js';
export { createRedisKeys, type RedisKeys } from './redis/redis-keys.js';
export { createRedis } from './redis/redis-connection.js';
