/**
 * How a function is called: the invokers themselves live in @sluice/invokers. `none` is a function
 * made through Lambda's CreateFunction whose code Sluice cannot run itself (another runtime, a
 * container image) until it is pointed at an http or lambda invoker.
 */
export type InvokerConfig =
  | { readonly type: 'http'; readonly url: string }
  | { readonly type: 'lambda'; readonly functionName: string; readonly qualifier?: string; readonly endpointUrl?: string }
  | { readonly type: 'node'; readonly module: string; readonly handler: string }
  | { readonly type: 'none' };

/**
 * The code a function was given through Lambda's own API (CreateFunction, UpdateFunctionCode), kept
 * for Lambda's answers (GetFunction's Runtime, Handler, CodeSha256...) and to derive its invoker.
 * https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
 */
export interface FunctionCode {
  readonly packageType: 'Zip' | 'Image';
  readonly runtime?: string;
  /** Lambda's handler string, e.g. `index.handler`. */
  readonly handler?: string;
  readonly role: string;
  /** Base64 SHA-256 of the .zip (Image: hex SHA-256 of the image URI, Sluice pulls no manifest). */
  readonly codeSha256: string;
  /** Bytes of the .zip (0 for an image). */
  readonly codeSize: number;
  /** Where the .zip was unpacked, relative to SLUICE_FUNCTIONS_DIR (`lambda/<name>/<id>`). */
  readonly codeDir?: string;
  readonly imageUri?: string;
  /** Members Sluice keeps and answers back without acting on them (Architectures, EphemeralStorage, TracingConfig, LoggingConfig). */
  readonly echoed: Readonly<Record<string, unknown>>;
}

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
  /** The function's own environment variables (Lambda's Environment.Variables); the node runtime sets them. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Set for functions made through Lambda's CreateFunction. */
  readonly code?: FunctionCode;
}
