import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { tagKey, tags } from '../esm/mapping-request-schemas.js';
import { parseRequest } from '../esm/validation-message.js';
import type { TagService } from '../tags/tag-service.js';

const PATH = '/2017-03-31/tags/:arn';

const tagRequest = z.strictObject({ Tags: tags });
// UntagResource's keys come as repeated `tagKeys` query parameters (one value arrives as a string).
const untagQuery = z.object({
  tagKeys: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(tagKey)),
});

interface TagRoute {
  Params: { arn: string };
}

/**
 * Lambda's TagResource (POST, 204), UntagResource (DELETE ?tagKeys=, 204) and ListTags (GET, 200
 * `{"Tags":{...}}`) at /2017-03-31/tags/{ARN}, for functions and event source mappings.
 * https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_UntagResource.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListTags.html
 */
export function tagRoutes(app: FastifyInstance, deps: { readonly service: TagService }): void {
  const { service } = deps;

  app.get<TagRoute>(PATH, async (request) => ({ Tags: await service.list(request.params.arn) }));

  app.post<TagRoute>(PATH, async (request, reply) => {
    await service.tag(request.params.arn, parseRequest(tagRequest, request.body).Tags);
    return reply.code(204).send();
  });

  app.delete<TagRoute>(PATH, async (request, reply) => {
    await service.untag(request.params.arn, parseRequest(untagQuery, request.query).tagKeys);
    return reply.code(204).send();
  });
}
