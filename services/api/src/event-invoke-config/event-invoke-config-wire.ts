import { functionArn, type EventInvokeConfig } from '@sluice/shared';
import type { ArnContext } from '../esm/mapping-wire.js';

/**
 * A stored config in Lambda's FunctionEventInvokeConfig shape: FunctionArn qualified, LastModified in
 * epoch seconds (a timestamp in Lambda's rest-json model), DestinationConfig always with both members.
 * https://docs.aws.amazon.com/lambda/latest/api/API_FunctionEventInvokeConfig.html
 */
export function toFunctionEventInvokeConfig(config: EventInvokeConfig, ctx: ArnContext) {
  return {
    LastModified: config.lastModified / 1000,
    FunctionArn: functionArn(ctx.region, ctx.account, config.functionName, config.qualifier),
    ...(config.maximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: config.maximumRetryAttempts }),
    ...(config.maximumEventAgeInSeconds === undefined ? {} : { MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds }),
    DestinationConfig: {
      OnSuccess: config.onSuccess === undefined ? {} : { Destination: config.onSuccess },
      OnFailure: config.onFailure === undefined ? {} : { Destination: config.onFailure },
    },
  };
}
