import { readFileSync } from 'node:fs';
import { sign } from 'node:crypto';
import { snsStringToSign, type SnsMessage } from '../../services/ingress/src/sns/sns-message.js';

/** The throwaway key and certificate in test/fixtures/sns (see its README). */
export const TEST_SIGNING_CERT = readFileSync(new URL('../fixtures/sns/test-signing-cert.pem', import.meta.url), 'utf8');
const TEST_SIGNING_KEY = readFileSync(new URL('../fixtures/sns/test-signing-key.pem', import.meta.url), 'utf8');

/** Signs an SNS message as SNS does (SignatureVersion 1: SHA1, 2: SHA256) with the test key. */
export function signSnsMessage(unsigned: Omit<SnsMessage, 'Signature' | 'SignatureVersion'>, version: '1' | '2' = '2'): SnsMessage {
  const message = { ...unsigned, SignatureVersion: version, Signature: '' };
  const signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(snsStringToSign(message), 'utf8'), TEST_SIGNING_KEY);
  return { ...message, Signature: signature.toString('base64') };
}
