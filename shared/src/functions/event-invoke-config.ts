/**
 * A function's asynchronous invocation settings, as Lambda's event-invoke-config API holds them
 * (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html).
 * Absent settings take Lambda's defaults: 2 retries, 21600 s of event age, no destinations.
 */
export interface EventInvokeConfig {
  /** The function's name in the registry. */
  readonly functionName: string;
  /** `$LATEST` in this build. */
  readonly qualifier: string;
  /** 0-2. */
  readonly maximumRetryAttempts?: number;
  /** 60-21600. */
  readonly maximumEventAgeInSeconds?: number;
  /** ARNs: SQS queue, SNS topic, Lambda/Sluice function, or (OnFailure only) S3 bucket. */
  readonly onSuccess?: string;
  readonly onFailure?: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
}

export const DEFAULT_ASYNC_RETRY_ATTEMPTS = 2;
export const DEFAULT_ASYNC_MAX_EVENT_AGE_SECONDS = 21_600;

/** Where event-invoke-configs live; the API writes them, the worker reads them per event. */
export interface EventInvokeConfigStore {
  get(functionName: string, qualifier: string): Promise<EventInvokeConfig | undefined>;
  /**
   * Creates or replaces. Rejects with SluiceError FUNCTION_NOT_FOUND when the function is not
   * registered: configs exist only beside their function, and deleting the function deletes them.
   */
  put(config: EventInvokeConfig): Promise<void>;
  /** Removes; false when there was none. */
  remove(functionName: string, qualifier: string): Promise<boolean>;
  /** Every qualifier's config of one function. */
  list(functionName: string): Promise<readonly EventInvokeConfig[]>;
}
