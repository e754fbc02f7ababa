import { SluiceError } from './sluice-error.js';

/** A bad configuration value: the process stops at boot with exit code 2. */
export class ConfigError extends SluiceError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}
