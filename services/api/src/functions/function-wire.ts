import type { FunctionDefinition, InvokerConfig } from '@sluice/shared';

/** A registered function as the registry API shows it, in Lambda's naming style. */
export function toFunctionConfiguration(fn: FunctionDefinition) {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Description: fn.description,
    Invoker: invokerWire(fn.invoker),
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    ...(fn.reservedConcurrentExecutions === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrentExecutions }),
    // Lambda writes LastModified as ISO 8601 with a +0000 offset.
    LastModified: new Date(fn.lastModified).toISOString().replace('Z', '+0000'),
  };
}

/** An invoker in the registry API's naming style (also the Lambda API's SluiceInvoker member). */
export function invokerWire(invoker: InvokerConfig) {
  switch (invoker.type) {
    case 'http':
      return { Type: invoker.type, Url: invoker.url };
    case 'lambda':
      return {
        Type: invoker.type,
        FunctionName: invoker.functionName,
        ...(invoker.qualifier === undefined ? {} : { Qualifier: invoker.qualifier }),
        ...(invoker.endpointUrl === undefined ? {} : { EndpointUrl: invoker.endpointUrl }),
      };
    case 'node':
      return { Type: invoker.type, Module: invoker.module, Handler: invoker.handler };
    case 'none':
      return { Type: invoker.type };
  }
}
