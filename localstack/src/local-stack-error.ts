import { SluiceError } from '@sluice/shared';

/** Stable codes for what can go wrong while starting or driving the embedded local stack. */
export const LocalStackErrorCode = {
  /** An executable the stack needs (redis-server, moto_server) is not installed. */
  CommandNotFound: 'LOCALSTACK_COMMAND_NOT_FOUND',
  /** Something else already listens where an embedded service should. */
  PortInUse: 'LOCALSTACK_PORT_IN_USE',
  /** A started service exited before it answered. */
  ServiceExited: 'LOCALSTACK_SERVICE_EXITED',
  /** A started service did not answer within its start timeout. */
  ServiceNotReady: 'LOCALSTACK_SERVICE_NOT_READY',
  /** Redis does not answer at a URL the stack cannot start a server for (remote or TLS). */
  RedisUnreachable: 'LOCALSTACK_REDIS_UNREACHABLE',
  /** Seeding or registering the demo got an answer it cannot go on from. */
  DemoSetupFailed: 'LOCALSTACK_DEMO_SETUP_FAILED',
} as const;

export type LocalStackErrorCode = (typeof LocalStackErrorCode)[keyof typeof LocalStackErrorCode];

/** Every failure of @sluice/localstack; the message says what to do about it. */
export class LocalStackError extends SluiceError {
  override readonly code: LocalStackErrorCode;

  constructor(code: LocalStackErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.code = code;
  }
}
