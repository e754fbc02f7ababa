/** How a function is called: the invokers themselves live with the worker role. */
export type InvokerConfig =
  | { readonly type: 'http'; readonly url: string }
  | { readonly type: 'lambda'; readonly functionName: string; readonly qualifier?: string; readonly endpointUrl?: string }
  | { readonly type: 'node'; readonly module: string; readonly handler: string };

/** A function in Sluice's registry: what mappings and invocations point at. */
export interface FunctionDefinition {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly invoker: InvokerConfig;
  /** Seconds, 1-900 as Lambda's Timeout. */
  readonly timeout: number;
  /** MB, 128-10240 as Lambda's MemorySize. */
  readonly memorySize: number;
  /** Reserved concurrency; undefined means unreserved. */
  readonly reservedConcurrentExecutions?: number;
  /** Epoch milliseconds. */
  readonly lastModified: number;
}
