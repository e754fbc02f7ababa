import { describe, expect, it } from 'vitest';
import { functionInUseMessage } from '../../../../../services/api/src/functions/function-in-use-message.js';

const none = { mappingCount: 0, mappingUuids: [], s3BindingCount: 0, s3BindingIds: [] };

describe('functionInUseMessage', () => {
  it('names the one S3 binding that uses the function', () => {
    expect(functionInUseMessage('thumbs', { ...none, s3BindingCount: 1, s3BindingIds: ['thumbs-jpg'] })).toBe(
      'Function thumbs is used by 1 S3 binding (thumbs-jpg); delete it first.',
    );
  });

  it('names mappings and bindings together, marking ids left out', () => {
    const users = { mappingCount: 2, mappingUuids: ['u1', 'u2'], s3BindingCount: 7, s3BindingIds: ['b1', 'b2', 'b3', 'b4', 'b5'] };

    expect(functionInUseMessage('orders', users)).toBe(
      'Function orders is used by 2 event source mappings (u1, u2) and 7 S3 bindings (b1, b2, b3, b4, b5, ...); delete them first.',
    );
  });
});
