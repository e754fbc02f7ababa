import { describe, expect, it } from 'vitest';
import { devBanner, type DevBannerFacts } from '../../../../../services/cli/src/commands/dev-banner.js';

const facts: DevBannerFacts = {
  apiUrl: 'http://127.0.0.1:9070',
  stack: {
    redisUrl: 'redis://127.0.0.1:6379',
    redisStarted: false,
    kinesisEndpoint: 'http://127.0.0.1:4568',
    motoEndpoint: 'http://127.0.0.1:5000',
    skipped: [],
    stop: async () => undefined,
  },
  demoFunctionUrl: 'http://127.0.0.1:9071/invoke',
  demo: {
    functionName: 'sluice-demo',
    functionCreated: true,
    registeredFunctionUrl: 'http://127.0.0.1:9071/invoke',
    mappingUuid: '11111111-2222-3333-4444-555555555555',
    mappingCreated: true,
  },
  streamName: 'sluice-demo',
  tableName: 'sluice-demo',
  region: 'us-east-1',
  apiTokenSet: false,
};

describe('devBanner', () => {
  it('names the queue mapping when the demo maps a queue, and says nothing of one otherwise', () => {
    // Arrange
    const withQueue = { ...facts, queueName: 'sluice-demo', demo: { ...facts.demo, queueMappingUuid: '66666666-7777-8888-9999-000000000000' } };

    // Act / Assert
    expect(devBanner(withQueue)).toContain('  Demo: SQS queue sluice-demo -> mapping 66666666-7777-8888-9999-000000000000 -> function sluice-demo\n');
    expect(devBanner(facts)).not.toContain('SQS queue');
  });

  it('starts with the line scripts wait for and ends with how to stop', () => {
    // Act
    const lines = devBanner(facts).trimEnd().split('\n');

    // Assert
    expect(lines[0]).toBe('Sluice API listening on http://127.0.0.1:9070');
    expect(lines[1]).toBe('  Dashboard:                 http://127.0.0.1:9070/dashboard');
    expect(lines.at(-1)).toBe('Press Ctrl+C to stop.');
    expect(lines.some((line) => line.includes('Warning'))).toBe(false);
    expect(lines).toContain(
      '  Try: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 aws --endpoint-url http://127.0.0.1:9070 lambda list-event-source-mappings',
    );
  });

  it('lists what was skipped and leaves out moto and the table when moto is missing', () => {
    // Arrange
    const withoutMoto = {
      ...facts,
      tableName: undefined,
      stack: { ...facts.stack, motoEndpoint: undefined, skipped: ['moto server not found in .venv: ...'] },
    };

    // Act
    const banner = devBanner(withoutMoto);

    // Assert
    expect(banner).toContain('Skipped: moto server not found in .venv: ...');
    expect(banner).not.toContain('(moto)');
    expect(banner).not.toContain('DynamoDB table');
  });

  it('warns, with the commands that fix it, when an earlier run registered another function URL', () => {
    // Arrange
    const stale = { ...facts, demo: { ...facts.demo, functionCreated: false, registeredFunctionUrl: 'http://127.0.0.1:40000/invoke' } };

    // Act
    const banner = devBanner(stale);

    // Assert
    expect(banner).toContain('Warning: function sluice-demo was registered by an earlier run with http://127.0.0.1:40000/invoke');
    expect(banner).toContain('lambda delete-event-source-mapping --uuid 11111111-2222-3333-4444-555555555555');
    expect(banner).toContain('curl -X DELETE http://127.0.0.1:9070/sluice/v1/functions/sluice-demo');
  });

  it('does not print the test secret when the API needs a token', () => {
    // Act
    const banner = devBanner({ ...facts, apiTokenSet: true });

    // Assert
    expect(banner).toContain('AWS_SECRET_ACCESS_KEY=<your SLUICE_API_TOKEN>');
  });
});
