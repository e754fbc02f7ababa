import { createWriteStream } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** Lambda's quota on a function's unpacked code (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const MAX_UNZIPPED_BYTES = 262_144_000;

/** Why an archive was not unpacked; `tooLarge` is the quota, every other reason is an archive Lambda could not unzip either. */
export class ZipRefused extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'ZipRefused';
  }
}

/** Filesystem errors that say nothing about the archive: they are answered as Sluice's own fault. */
const OUR_FAULTS: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EMFILE', 'ENFILE', 'EIO', 'EDQUOT']);

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Unpacks a .zip into `root` (which must not exist yet, or be empty), entry by entry through
 * yauzl. Refused with ZipRefused, before anything of that entry is written: an archive yauzl cannot
 * read, an entry whose name leads out of `root` (zip-slip: an absolute path or `..`; yauzl's own
 * check, and ours on the resolved path), a symbolic link whose target leads out, and more than
 * MAX_UNZIPPED_BYTES in all (counted on the declared sizes; yauzl checks each entry's real size
 * against its declared one). File modes are kept (owner read/write added), as Lambda keeps them.
 */
export async function unpackZip(archive: Buffer, root: string): Promise<{ readonly files: number; readonly bytes: number }> {
  const zip = await openZip(archive).catch((error: unknown) => {
    throw new ZipRefused((error as Error).message);
  });
  try {
    let files = 0;
    let bytes = 0;
    for (let entry = await nextEntry(zip); entry !== undefined; entry = await nextEntry(zip)) {
      const target = inside(root, entry.fileName);
      if (entry.fileName.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      bytes += entry.uncompressedSize;
      if (bytes > MAX_UNZIPPED_BYTES) throw new ZipRefused(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`, true);
      await mkdir(dirname(target), { recursive: true });
      const mode = entry.externalFileAttributes >>> 16;
      if ((mode & S_IFMT) === S_IFLNK) await writeLink(root, target, await readAll(await openStream(zip, entry)), entry.fileName);
      else await pipeline(await openStream(zip, entry), createWriteStream(target, { flags: 'wx', mode: (mode & 0o777) | 0o600 }));
      files += 1;
    }
    return { files, bytes };
  } catch (error) {
    // The disk's own faults are ours; everything else is what the archive holds.
    if (error instanceof ZipRefused || OUR_FAULTS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    throw new ZipRefused((error as Error).message);
  } finally {
    zip.close();
  }
}

/** The path of `name` under `root`; an entry whose path leaves it is refused. */
function inside(root: string, name: string): string {
  const target = resolve(root, name);
  const rel = relative(root, target);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new ZipRefused(`entry ${JSON.stringify(name)} leads out of the function's folder`);
  return target;
}

/** A symbolic link entry: its content is the target, which must stay inside `root`. */
async function writeLink(root: string, at: string, target: string, name: string): Promise<void> {
  inside(root, relative(root, resolve(dirname(at), target)));
  if (isAbsolute(target)) throw new ZipRefused(`symbolic link ${JSON.stringify(name)} points to an absolute path`);
  await symlink(target, at);
}

function openZip(archive: Buffer): Promise<ZipFile> {
  return new Promise((resolvePromise, reject) => {
    yauzl.fromBuffer(archive, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => (error ? reject(error) : resolvePromise(zip)));
  });
}

/** The next entry, or undefined at the end; an unreadable entry (yauzl's name checks included) rejects. */
function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolvePromise, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry) => (done(), resolvePromise(entry));
    const onEnd = () => (done(), resolvePromise(undefined));
    const onError = (error: Error) => (done(), reject(error));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolvePromise, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolvePromise(stream))));
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
