import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTextBody } from '../../../../../services/api/src/http/read-text-body.js';

const LIMITS = { limit: 10, drainLimit: 30 };

function bodyOf(...chunks: string[]): Readable {
  return Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
}

describe('readTextBody', () => {
  it('returns a body within the limit as text, multi-byte characters across chunks included', async () => {
    const euro = Buffer.from('€');
    const stream = Readable.from([Buffer.from('a'), euro.subarray(0, 1), euro.subarray(1), Buffer.from('b')]);
    expect(await readTextBody(stream, 0, LIMITS)).toEqual({ ok: true, text: 'a€b' });
  });

  it('reads an oversized body to its end before refusing it, so the client is not cut off mid-upload', async () => {
    const stream = bodyOf('0123456789', '0123456789', '01234');
    expect(await readTextBody(stream, 25, LIMITS)).toEqual({ ok: false, bytes: 25 });
    expect(stream.readableEnded).toBe(true);
  });

  it('stops reading once a body passes the drain limit', async () => {
    const stream = new PassThrough();
    const result = readTextBody(stream, 0, LIMITS);
    stream.write('x'.repeat(31));
    expect(await result).toEqual({ ok: false, bytes: 31 });
    expect(stream.readableEnded).toBe(false);
  });

  it('refuses at once, reading nothing, when Content-Length is above the drain limit', async () => {
    const stream = new PassThrough();
    expect(await readTextBody(stream, 31, LIMITS)).toEqual({ ok: false, bytes: 31 });
    expect(stream.readableFlowing).toBeNull();
  });

  it('rejects with the stream error of an aborted upload', async () => {
    const stream = new PassThrough();
    const result = readTextBody(stream, 0, LIMITS);
    stream.destroy(new Error('aborted'));
    await expect(result).rejects.toThrow('aborted');
  });
});
