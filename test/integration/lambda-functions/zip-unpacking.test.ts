import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { FunctionCodeStore } from '../../../services/api/src/lambda-functions/function-code-store.js';
import { ZipRefused } from '../../../services/api/src/lambda-functions/zip-archive.js';

// Real .zip archives (made with fflate) unpacked on disk by the store CreateFunction uses.
const scratch = mkdtempSync(join(tmpdir(), 'sluice-zip-'));
const functionsDir = join(scratch, 'functions');
const store = new FunctionCodeStore(functionsDir);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Unix mode bits as a zip entry's external attributes (made on Unix: os 3). */
const unix = (mode: number) => ({ os: 3, attrs: mode * 0x10000 });

async function refusal(archive: Uint8Array): Promise<ZipRefused> {
  const error = await store.unpack('refused', Buffer.from(archive)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ZipRefused);
  return error as ZipRefused;
}

describe('unpacking a .zip into the functions directory', () => {
  it("unpacks files, folders and modes into a fresh folder of the function's, with a CommonJS package boundary above", async () => {
    const archive = zipSync({
      'index.js': strToU8('exports.handler = 1;'),
      'lib/': [new Uint8Array(), unix(0o40755)],
      'lib/run.sh': [strToU8('#!/bin/sh'), unix(0o100755)],
      'lib/data.json': strToU8('{}'),
    });

    const codeDir = await store.unpack('orders', Buffer.from(archive));
    const again = await store.unpack('orders', Buffer.from(archive));

    expect(codeDir).toMatch(/^lambda\/orders\/[0-9a-f-]{36}$/);
    expect(again).not.toBe(codeDir);
    const root = join(functionsDir, codeDir);
    expect(readFileSync(join(root, 'index.js'), 'utf8')).toBe('exports.handler = 1;');
    expect(readFileSync(join(root, 'lib/data.json'), 'utf8')).toBe('{}');
    expect(statSync(join(root, 'lib/run.sh')).mode & 0o777).toBe(0o755);
    expect(JSON.parse(readFileSync(join(functionsDir, 'lambda/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
  });

  it('refuses an entry that climbs out of the folder (zip-slip) and writes nothing, there or outside', async () => {
    const archive = zipSync({ 'index.js': strToU8('ok'), '../../escaped.js': strToU8('evil') });

    const error = await refusal(archive);

    expect(error.message).toMatch(/invalid relative path: \.\.\/\.\.\/escaped\.js/);
    expect(existsSync(join(functionsDir, 'lambda/escaped.js'))).toBe(false);
    expect(existsSync(join(functionsDir, 'escaped.js'))).toBe(false);
    expect(existsSync(join(functionsDir, 'lambda/refused'))).toBe(false);
  });

  it('refuses an absolute entry name', async () => {
    expect((await refusal(zipSync({ '/tmp/sluice-absolute.js': strToU8('evil') }))).message).toMatch(/absolute path/);
    expect(existsSync('/tmp/sluice-absolute.js')).toBe(false);
  });

  it('keeps a symbolic link that stays inside, refuses one that leads out', async () => {
    const inside = await store.unpack('links', Buffer.from(zipSync({ 'real.js': strToU8('x'), 'alias.js': [strToU8('real.js'), unix(0o120777)] })));
    expect(readlinkSync(join(functionsDir, inside, 'alias.js'))).toBe('real.js');
    expect(lstatSync(join(functionsDir, inside, 'alias.js')).isSymbolicLink()).toBe(true);

    const error = await refusal(zipSync({ 'passwd': [strToU8('../../../../../../etc/passwd'), unix(0o120777)] }));
    expect(error.message).toMatch(/leads out of the function's folder/);
  });

  it('refuses bytes that are no .zip', async () => {
    expect((await refusal(strToU8('not a zip at all'))).message).toMatch(/^End of central directory record signature not found/);
    expect(readdirSync(join(functionsDir, 'lambda'))).not.toContain('refused');
  });

  it('removes a deleted function and prunes old uploads of an updated one, keeping the current, the previous and the recent', async () => {
    const archive = Buffer.from(zipSync({ 'index.js': strToU8('1') }));
    const [a, b, c] = [await store.unpack('pruned', archive), await store.unpack('pruned', archive), await store.unpack('pruned', archive)];

    await store.prune('pruned', [c, b]);
    expect(existsSync(join(functionsDir, a))).toBe(true);
    await store.prune('pruned', [c, b], Date.now() + 120_000);
    expect([a, b, c].map((d) => existsSync(join(functionsDir, d)))).toEqual([false, true, true]);

    await store.remove('pruned');
    expect(existsSync(join(functionsDir, 'lambda/pruned'))).toBe(false);
  });
});
