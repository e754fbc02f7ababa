import { describe, expect, it } from 'vitest';
import { SigningCertCache } from '../../../../services/ingress/src/sns/signing-cert-cache.js';
import type { SnsFetcher } from '../../../../services/ingress/src/sns/sns-fetcher.js';
import { SnsSignatureVerifier } from '../../../../services/ingress/src/sns/sns-signature-verifier.js';
import { SnsUrlPolicy } from '../../../../services/ingress/src/sns/sns-url-policy.js';
import { TEST_SIGNING_CERT, signSnsMessage } from '../../../helpers/sns-test-signer.js';

const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';

const notification = {
  Type: 'Notification' as const,
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:uploads',
  Subject: 'Amazon S3 Notification',
  Message: '{"Records":[]}',
  Timestamp: '2026-11-26T10:00:00.000Z',
  SigningCertURL: CERT_URL,
};

/** A fake fetcher that serves the test certificate and records every URL it was asked for. */
function recordingFetcher(): { fetch: SnsFetcher; fetched: string[] } {
  const fetched: string[] = [];
  return {
    fetched,
    fetch: async (target) => {
      fetched.push(target.url.href);
      return TEST_SIGNING_CERT;
    },
  };
}

function verifierWith(fetch: SnsFetcher, options: { extraHosts?: string[]; snsEndpoint?: string; now?: () => number } = {}) {
  const policy = new SnsUrlPolicy({ extraHosts: options.extraHosts ?? [], ...(options.snsEndpoint === undefined ? {} : { snsEndpoint: options.snsEndpoint }) });
  return new SnsSignatureVerifier(new SigningCertCache({ policy, fetch, ...(options.now === undefined ? {} : { now: options.now }) }));
}

describe('SnsSignatureVerifier', () => {
  it('accepts a SignatureVersion 2 (SHA256) notification and fetches its certificate once', async () => {
    const { fetch, fetched } = recordingFetcher();
    const verifier = verifierWith(fetch);

    await verifier.verify(signSnsMessage(notification, '2'));
    await verifier.verify(signSnsMessage({ ...notification, MessageId: 'second' }, '2'));

    expect(fetched).toEqual([CERT_URL]);
  });

  it('accepts a SignatureVersion 1 (SHA1) notification and a signed SubscriptionConfirmation', async () => {
    const verifier = verifierWith(recordingFetcher().fetch);
    const confirmation = {
      ...notification,
      Type: 'SubscriptionConfirmation' as const,
      Subject: undefined,
      Token: 'token-1',
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=token-1',
    };

    await expect(verifier.verify(signSnsMessage(notification, '1'))).resolves.toBeUndefined();
    await expect(verifier.verify(signSnsMessage(confirmation, '2'))).resolves.toBeUndefined();
  });

  it('rejects a forged message: a changed Message, or a signature of another version', async () => {
    const verifier = verifierWith(recordingFetcher().fetch);
    const signed = signSnsMessage(notification, '2');

    await expect(verifier.verify({ ...signed, Message: '{"Records":[{"forged":true}]}' })).rejects.toMatchObject({ errorType: 'InvalidSignatureException' });
    await expect(verifier.verify({ ...signed, SignatureVersion: '1' })).rejects.toMatchObject({ errorType: 'InvalidSignatureException' });
    await expect(verifier.verify({ ...signed, SignatureVersion: '3' })).rejects.toMatchObject({ errorType: 'InvalidSignatureException' });
  });

  it.each([
    ['another host', 'https://evil.example.com/SimpleNotificationService-0123.pem'],
    ['a look-alike host', 'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-0123.pem'],
    ['plain http on an SNS host', 'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem'],
    ['a port on an SNS host', 'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0123.pem'],
    ['another path on an SNS host', 'https://sns.us-east-1.amazonaws.com/certs/key.pem'],
    ['credentials in the URL', 'https://user:pw@sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem'],
  ])('rejects a SigningCertURL pointing at %s without fetching anything', async (_case, url) => {
    const { fetch, fetched } = recordingFetcher();
    const verifier = verifierWith(fetch);

    await expect(verifier.verify(signSnsMessage({ ...notification, SigningCertURL: url }))).rejects.toMatchObject({ errorType: 'InvalidSignatureException' });
    expect(fetched).toEqual([]);
  });

  it('fetches from a configured host (an emulator) over http, and only from it', async () => {
    const { fetch, fetched } = recordingFetcher();
    const verifier = verifierWith(fetch, { extraHosts: ['127.0.0.1:4566'] });

    await verifier.verify(signSnsMessage({ ...notification, SigningCertURL: 'http://127.0.0.1:4566/_aws/sns/cert.pem' }));
    await expect(verifier.verify(signSnsMessage({ ...notification, SigningCertURL: 'http://127.0.0.1:4567/_aws/sns/cert.pem' }))).rejects.toThrow(/may fetch/);

    expect(fetched).toEqual(['http://127.0.0.1:4566/_aws/sns/cert.pem']);
  });

  it("fetches an SNS certificate URL's path from the configured SNS endpoint (moto serves its own there)", async () => {
    const { fetch, fetched } = recordingFetcher();
    const verifier = verifierWith(fetch, { snsEndpoint: 'http://127.0.0.1:5000' });

    await verifier.verify(signSnsMessage(notification));

    expect(fetched).toEqual(['http://127.0.0.1:5000/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem']);
  });

  it('rejects a certificate outside its validity period', async () => {
    const verifier = verifierWith(recordingFetcher().fetch, { now: () => Date.parse('2090-01-01T00:00:00Z') });

    await expect(verifier.verify(signSnsMessage(notification))).rejects.toThrow(/not valid now/);
  });

  it('answers 503 (SNS retries) when the certificate cannot be fetched, and fetches again next time', async () => {
    let calls = 0;
    const verifier = verifierWith(async () => {
      calls += 1;
      if (calls === 1) throw new Error('connect ECONNREFUSED');
      return TEST_SIGNING_CERT;
    });

    await expect(verifier.verify(signSnsMessage(notification))).rejects.toMatchObject({ errorType: 'ServiceUnavailableException' });
    await expect(verifier.verify(signSnsMessage(notification))).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});

describe('SnsUrlPolicy for SubscribeURLs', () => {
  const policy = new SnsUrlPolicy({ extraHosts: [] });

  it('allows only ConfirmSubscription at the root of an SNS host', () => {
    expect(policy.resolve('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=t&Token=x', 'subscribe')?.url.hostname).toBe('sns.eu-west-1.amazonaws.com');
    expect(policy.resolve('https://sns.eu-west-1.amazonaws.com/?Action=Publish&TopicArn=t', 'subscribe')).toBeUndefined();
    expect(policy.resolve('https://sns.eu-west-1.amazonaws.com/other?Action=ConfirmSubscription', 'subscribe')).toBeUndefined();
    expect(policy.resolve('https://example.com/?Action=ConfirmSubscription', 'subscribe')).toBeUndefined();
    expect(policy.resolve('not a url', 'subscribe')).toBeUndefined();
  });
});
