import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readTextBody, type BodyLimits } from '../http/read-text-body.js';
import { qualifiedFunctionName } from '../functions/qualified-function-name.js';
import { invocationOptions } from '../invoke/invocation-options.js';
import { MAX_SYNC_PAYLOAD_BYTES, requestTooLarge } from '../invoke/invoke-payload.js';
import type { InvokeService } from '../invoke/invoke-service.js';

export const INVOCATIONS_PATH = '/2015-03-31/functions/:name/invocations';

/** Lambda's 6 MB; an oversized body is drained up to 32 MB before the 413, beyond that cut off. */
const INVOKE_BODY_LIMITS: BodyLimits = { limit: MAX_SYNC_PAYLOAD_BYTES, drainLimit: 32 * 1024 * 1024 };

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
    // Our own reader, not Fastify's limit: a body over 6 MB is read to its end and then refused, so
    // the client gets Lambda's 413 instead of a connection closed under its upload.
    scope.addContentTypeParser('*', async (request: FastifyRequest, payload: Readable) => {
      const read = await readTextBody(payload, Number(request.headers['content-length'] ?? 0), INVOKE_BODY_LIMITS);
      if (!read.ok) throw requestTooLarge(request.headers['x-amz-invocation-type'] === 'Event' ? 'Event' : 'RequestResponse', read.bytes);
      request.rawBody = read.text;
      return read.text;
    });
    scope.post<InvokeRoute>(INVOCATIONS_PATH, (request, reply) => invoke(deps.service, request, reply));
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
