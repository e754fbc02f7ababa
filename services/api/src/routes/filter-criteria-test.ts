import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  FILTER_SOURCES,
  FilterPatternError,
  RecordFilter,
  compileFilterPattern,
  compileRecordFilter,
  filterSourceOf,
  parseSourceArn,
  type FilterSource,
} from '@sluice/shared';
import { invalidParameter } from '../errors/lambda-api-error.js';
import type { MappingLimits } from '../esm/rules/common-rules.js';
import { parseRequest } from '../esm/validation-message.js';

export const FILTER_CRITERIA_TEST_PATH = '/sluice/v1/filter-criteria/test';

export const filterTestRequest = z.strictObject({
  FilterCriteria: z.strictObject({ Filters: z.array(z.strictObject({ Pattern: z.string().max(4096) })) }).optional(),
  Pattern: z.string().max(4096).optional(),
  // A record as Lambda hands it to the function (an element of the event's Records).
  Event: z.record(z.string(), z.unknown()),
  EventSourceArn: z.string().optional(),
  SourceType: z.enum(FILTER_SOURCES).optional(),
});

type TestRequest = z.infer<typeof filterTestRequest>;

/**
 * Like EventBridge's TestEventPattern, for Lambda's FilterCriteria: given filters (or one pattern)
 * and a record as the function would see it, says whether Lambda would deliver it and, when not,
 * which field failed which rule. Patterns are checked exactly as CreateEventSourceMapping does.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
 */
export function filterCriteriaTestRoutes(app: FastifyInstance, deps: { readonly limits: MappingLimits }): void {
  app.post(FILTER_CRITERIA_TEST_PATH, async (request) => {
    const body = parseRequest(filterTestRequest, request.body);
    const source = sourceOf(body);
    const filter = compile(body, source, deps.limits);
    const explanation = filter.explain(body.Event);
    return { Result: explanation.matched, Reasons: explanation.reasons, SourceType: source };
  });
}

function compile(body: TestRequest, source: FilterSource, limits: MappingLimits): RecordFilter {
  if ((body.FilterCriteria === undefined) === (body.Pattern === undefined)) {
    throw invalidParameter('Give exactly one of FilterCriteria and Pattern.');
  }
  try {
    if (body.Pattern !== undefined) return new RecordFilter([compileFilterPattern(body.Pattern)], source);
    const patterns = body.FilterCriteria!.Filters.map((f) => f.Pattern);
    if (patterns.length > limits.maxFilters) {
      throw invalidParameter(`FilterCriteria has ${patterns.length} filters; at most ${limits.maxFilters} are allowed per event source mapping.`);
    }
    return compileRecordFilter(patterns, source);
  } catch (error) {
    if (!(error instanceof FilterPatternError)) throw error;
    throw invalidParameter(`Invalid filter pattern definition: ${body.Pattern === undefined ? '' : 'Pattern: '}${error.message}`);
  }
}

/** SourceType if given, else the EventSourceArn's kind, else what the record says it is. */
function sourceOf(body: TestRequest): FilterSource {
  if (body.SourceType !== undefined) return body.SourceType;
  if (body.EventSourceArn !== undefined) {
    const arn = parseSourceArn(body.EventSourceArn);
    if (arn === undefined) throw invalidParameter(`EventSourceArn is not a Kinesis stream, Kinesis consumer, DynamoDB stream or SQS queue ARN: ${body.EventSourceArn}`);
    return filterSourceOf(arn.kind);
  }
  const { Event: event } = body;
  if (event.eventSource === 'aws:kinesis' || (typeof event.kinesis === 'object' && event.kinesis !== null)) return 'kinesis';
  if (event.eventSource === 'aws:dynamodb') return 'dynamodb';
  if (event.eventSource === 'aws:sqs') return 'sqs';
  return 'json';
}
