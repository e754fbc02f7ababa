import { endpointFor, type SluiceConfig } from '@sluice/shared';
import { NodeRuntime } from './runtime/node-runtime.js';
import { HttpInvoker } from './http-invoker.js';
import { LambdaInvoker } from './lambda-invoker.js';

/** One invoker per invoker type, as every role that invokes functions builds them. */
export interface Invokers {
  readonly http: HttpInvoker;
  readonly lambda: LambdaInvoker;
  readonly node: NodeRuntime;
}

/**
 * The one place invokers are built from the configuration: the worker role (mappings, async events)
 * and the API role (the Invoke API's RequestResponse) call functions the same way.
 * Close them with closeInvokers once nothing invokes any more.
 */
export function createInvokers(config: SluiceConfig): Invokers {
  const lambdaEndpoint = endpointFor(config, 'LAMBDA');
  return {
    http: new HttpInvoker(),
    lambda: new LambdaInvoker({ region: config.AWS_REGION, ...(lambdaEndpoint === undefined ? {} : { endpoint: lambdaEndpoint }) }),
    node: new NodeRuntime({ functionsDir: config.SLUICE_FUNCTIONS_DIR, idleMs: config.SLUICE_NODE_IDLE_MS, region: config.AWS_REGION }),
  };
}

/** Closes connections and ends the Node runtime's execution environments. */
export function closeInvokers(invokers: Invokers): void {
  invokers.http.close();
  invokers.lambda.close();
  invokers.node.close();
}
