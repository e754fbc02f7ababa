import { verify } from 'node:crypto';
import { IngressError } from '../http/ingress-error.js';
import type { SigningCertCache } from './signing-cert-cache.js';
import { snsStringToSign, type SnsMessage } from './sns-message.js';

/** SignatureVersion 1 signs with SHA1, 2 with SHA256 (both RSA PKCS#1 v1.5). */
const ALGORITHMS: Record<string, string> = { '1': 'sha1', '2': 'sha256' };

/** Checks that an SNS message was signed by the holder of its signing certificate's key. */
export interface SnsMessageVerifier {
  verify(message: SnsMessage): Promise<void>;
}

/**
 * Verifies SNS message signatures as AWS describes, with node:crypto.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html
 */
export class SnsSignatureVerifier implements SnsMessageVerifier {
  constructor(private readonly certs: SigningCertCache) {}

  async verify(message: SnsMessage): Promise<void> {
    const algorithm = ALGORITHMS[message.SignatureVersion];
    if (algorithm === undefined) throw new IngressError('InvalidSignatureException', `Unsupported SignatureVersion ${message.SignatureVersion}`);
    const key = await this.certs.publicKey(message.SigningCertURL);
    const signature = Buffer.from(message.Signature, 'base64');
    if (!verify(algorithm, Buffer.from(snsStringToSign(message), 'utf8'), key, signature)) {
      throw new IngressError('InvalidSignatureException', 'The SNS message signature does not verify.');
    }
  }
}

/** SLUICE_SNS_VERIFY_SIGNATURES=false: everything passes (a warning is logged at boot). */
export const TRUSTING_VERIFIER: SnsMessageVerifier = { verify: async () => undefined };
