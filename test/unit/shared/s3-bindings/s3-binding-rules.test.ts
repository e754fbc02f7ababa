import { describe, expect, it } from 'vitest';
import {
  AMBIGUOUS_MESSAGE,
  OVERLAP_MESSAGE,
  bindingMatches,
  decodeS3EventKey,
  encodeS3EventKey,
  eventNameMatches,
  findOverlap,
  type S3Binding,
} from '@sluice/shared';

function binding(id: string, events: string[], filter: S3Binding['filter'] = {}, bucket = 'photos'): S3Binding {
  return { id, bucket, events, filter, functionName: 'fn', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', createdAt: 0 };
}

describe('S3 event type matching', () => {
  it('matches a family wildcard, an exact type, and records with or without the s3: prefix', () => {
    expect(eventNameMatches(['s3:ObjectCreated:*'], 'ObjectCreated:Put')).toBe(true);
    expect(eventNameMatches(['s3:ObjectCreated:*'], 'ObjectCreated:CompleteMultipartUpload')).toBe(true);
    expect(eventNameMatches(['s3:ObjectCreated:Put'], 's3:ObjectCreated:Put')).toBe(true);
    expect(eventNameMatches(['s3:ObjectCreated:Put'], 'ObjectCreated:Copy')).toBe(false);
    expect(eventNameMatches(['s3:ObjectCreated:*'], 'ObjectRemoved:Delete')).toBe(false);
    expect(eventNameMatches(['s3:LifecycleTransition'], 'LifecycleTransition')).toBe(true);
  });
});

describe('bindingMatches', () => {
  const images = binding('b1', ['s3:ObjectCreated:*'], { prefix: 'images/', suffix: '.jpg' });

  it('applies prefix and suffix to the key as stored, decoded from the record', () => {
    const key = decodeS3EventKey('images/red+flower.jpg');

    expect(key).toBe('images/red flower.jpg');
    expect(bindingMatches(images, { bucket: 'photos', eventName: 'ObjectCreated:Put', key })).toBe(true);
  });

  it('refuses another bucket, another prefix, another suffix and another event type', () => {
    expect(bindingMatches(images, { bucket: 'other', eventName: 'ObjectCreated:Put', key: 'images/a.jpg' })).toBe(false);
    expect(bindingMatches(images, { bucket: 'photos', eventName: 'ObjectCreated:Put', key: 'docs/a.jpg' })).toBe(false);
    expect(bindingMatches(images, { bucket: 'photos', eventName: 'ObjectCreated:Put', key: 'images/a.png' })).toBe(false);
    expect(bindingMatches(images, { bucket: 'photos', eventName: 'ObjectRemoved:Delete', key: 'images/a.jpg' })).toBe(false);
  });

  it('matches a prefix written with characters that the record URL-encodes', () => {
    const spaced = binding('b2', ['s3:ObjectCreated:Put'], { prefix: 'my folder/' });
    const key = decodeS3EventKey('my+folder/a%2Bb%3D1.txt');

    expect(key).toBe('my folder/a+b=1.txt');
    expect(bindingMatches(spaced, { bucket: 'photos', eventName: 'ObjectCreated:Put', key })).toBe(true);
  });
});

describe('S3 event key encoding', () => {
  it('writes keys as AWS does: space as +, "/" kept, other reserved characters escaped', () => {
    expect(encodeS3EventKey('uploads/red flower.jpg')).toBe('uploads/red+flower.jpg');
    expect(encodeS3EventKey('dt=2018-05-04/a+b (1).txt')).toBe('dt%3D2018-05-04/a%2Bb+%281%29.txt');
    expect(encodeS3EventKey('日本.txt')).toBe('%E6%97%A5%E6%9C%AC.txt');
  });

  it('round-trips, and reads moto\'s %2F-encoded slashes as slashes', () => {
    for (const key of ['a b/c+d/e%f.txt', "x!'()*~y", 'plain']) expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
    expect(encodeS3EventKey(decodeS3EventKey('dir%2Fred+flower%2Bx.txt'))).toBe('dir/red+flower%2Bx.txt');
  });
});

describe("S3's overlap rule (notification-how-to-filtering examples)", () => {
  it('refuses two unfiltered configurations sharing an event type, with S3\'s first message', () => {
    const overlap = findOverlap(binding('new', ['s3:ObjectCreated:Put']), [binding('old', ['s3:ObjectCreated:*'])]);

    expect(overlap).toEqual({ existingId: 'old', message: OVERLAP_MESSAGE });
  });

  it('refuses the root prefix against any prefix, overlapping suffixes, and prefix plus suffix overlaps', () => {
    expect(findOverlap(binding('n', ['s3:ObjectCreated:*'], { prefix: 'images' }), [binding('o', ['s3:ObjectCreated:*'])])?.message).toBe(AMBIGUOUS_MESSAGE);
    expect(findOverlap(binding('n', ['s3:ObjectCreated:Put'], { suffix: 'pg' }), [binding('o', ['s3:ObjectCreated:*'], { suffix: 'jpg' })])?.message).toBe(AMBIGUOUS_MESSAGE);
    expect(
      findOverlap(binding('n', ['s3:ObjectCreated:Put'], { suffix: 'jpg' }), [binding('o', ['s3:ObjectCreated:*'], { prefix: 'images', suffix: 'jpg' })])?.message,
    ).toBe(AMBIGUOUS_MESSAGE);
  });

  it('allows disjoint prefixes, disjoint suffixes under one prefix, other event types and other buckets', () => {
    const existing = [binding('o', ['s3:ObjectCreated:Put'], { prefix: 'images/', suffix: '.jpg' })];

    expect(findOverlap(binding('n', ['s3:ObjectCreated:Put'], { prefix: 'logs/' }), existing)).toBeUndefined();
    expect(findOverlap(binding('n', ['s3:ObjectCreated:Put'], { prefix: 'images/', suffix: '.png' }), existing)).toBeUndefined();
    expect(findOverlap(binding('n', ['s3:ObjectRemoved:*'], { prefix: 'images/' }), existing)).toBeUndefined();
    expect(findOverlap(binding('n', ['s3:ObjectCreated:Copy'], { prefix: 'images/' }), existing)).toBeUndefined();
  });
});
