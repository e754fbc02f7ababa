import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { qualifiedFunctionName } from '../functions/qualified-function-name.js';
import { invocationOptions } from '../invoke/invocation-options.js';
import { MAX_SYNC_PAYLOAD_BYTES, requestTooLarge } from '../invoke/invoke-payload.js';
import type { InvokeService } from '../invoke/invoke-service.js';

export const INVOCATIONS_PATH = '/2015-03-31/functions/:name/invocations';

interface InvokeRoute {
  Params: { name: string };
  Querystring: { Qualifier?: string | string[] };
  Body: string | undefined;
}

/**
 * Lambda's Invoke (POST /2015-03-31/functions/{FunctionName}/invocations?Qualifier=), so the AWS SDK's
 * InvokeCommand and `aws lambda invoke` work unchanged. The route lives in its own scope: its body
 * is the function's payload as sent (any content type, kept as text and checked as JSON here), and
 * its size limit is Lambda's 6 MB, above the rest of the API's SLUICE_API_BODY_LIMIT_BYTES.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export function invocationRoutes(app: FastifyInstance, deps: { readonly service: InvokeService }): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_SYNC_PAYLOAD_BYTES }, (request, body, done) => {
      request.rawBody = body as string;
      done(null, body);
    });
    // A body over the limit is refused before it is read: in Lambda's words, then the API's one error handler.
    scope.setErrorHandler((error: FastifyError, request: FastifyRequest) => {
      if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
      const type = request.headers['x-amz-invocation-type'] === 'Event' ? 'Event' : 'RequestResponse';
      throw requestTooLarge(type, Number(request.headers['content-length'] ?? MAX_SYNC_PAYLOAD_BYTES + 1));
    });
    scope.post<InvokeRoute>(INVOCATIONS_PATH, { bodyLimit: MAX_SYNC_PAYLOAD_BYTES }, (request, reply) => invoke(deps.service, request, reply));
  });
}

async function invoke(service: InvokeService, request: FastifyRequest<InvokeRoute>, reply: FastifyReply): Promise<FastifyReply> {
  const options = invocationOptions(request.headers);
  const qualifier = request.query.Qualifier;
  const functionName = qualifiedFunctionName(request.params.name, typeof qualifier === 'string' && qualifier !== '' ? qualifier : undefined);
  const body = typeof request.body === 'string' ? request.body : undefined;
  switch (options.invocationType) {
    case 'Event':
      await service.invokeAsync(functionName, body, request.id);
      return reply.code(202).send();
    case 'DryRun':
      await service.dryRun(functionName, body);
      return reply.code(204).send();
    case 'RequestResponse': {
      const { result, logTail } = await service.invokeSync(functionName, body, request.id, options.logType === 'Tail');
      reply.code(200).header('X-Amz-Executed-Version', '$LATEST').type('application/json');
      if (result.functionError !== undefined) reply.header('X-Amz-Function-Error', result.functionError);
      if (logTail !== undefined) reply.header('X-Amz-Log-Result', Buffer.from(logTail, 'utf8').toString('base64'));
      return reply.send(result.payload);
    }
  }
}
