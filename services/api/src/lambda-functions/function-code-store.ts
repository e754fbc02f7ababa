import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { unpackZip } from './zip-archive.js';

/** The folder under SLUICE_FUNCTIONS_DIR that holds the code of functions made through Lambda's API. */
export const LAMBDA_CODE_FOLDER = 'lambda';

/** Code folders younger than this are never pruned: an update may be about to name one. */
const RECENT_MS = 60_000;

/**
 * Where functions made through CreateFunction keep their code: `<SLUICE_FUNCTIONS_DIR>/lambda/<name>/<id>/`,
 * one fresh folder per upload, so an update never rewrites files an execution environment may still
 * be reading, and a new environment of the new definition finds the new code complete. The folder
 * holds a package.json of `"type":"commonjs"`: it bounds Node's search for a package type, so a
 * .js file is CommonJS unless the function's own package.json says `"type":"module"`, as in
 * Lambda's /var/task, whatever package the functions directory itself lies in.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export class FunctionCodeStore {
  constructor(private readonly functionsDir: string) {}

  /** Unpacks a .zip into a new folder of the function's; returns that folder relative to SLUICE_FUNCTIONS_DIR. */
  async unpack(functionName: string, archive: Buffer): Promise<string> {
    await this.ensureRoot();
    const codeDir = `${LAMBDA_CODE_FOLDER}/${functionName}/${randomUUID()}`;
    const target = resolve(this.functionsDir, codeDir);
    await mkdir(target, { recursive: true });
    try {
      await unpackZip(archive, target);
    } catch (error) {
      await this.discard(codeDir);
      throw error;
    }
    return codeDir;
  }

  /** Removes a folder `unpack` made (a refused archive, a create that lost its race), and the function's folder if that leaves it empty. */
  async discard(codeDir: string): Promise<void> {
    const target = resolve(this.functionsDir, codeDir);
    await rm(target, { recursive: true, force: true });
    await rmdir(dirname(target)).catch(() => undefined);
  }

  /**
   * After an update: removes the function's code folders but the current and the one it replaced.
   * The replaced one stays for environments started from a definition read just before the change
   * (workers drop cached definitions on the registry's notice, within a second at worst), and so
   * does any folder made in the last minute (another update's, not yet in the registry).
   */
  async prune(functionName: string, keep: readonly (string | undefined)[], now = Date.now()): Promise<void> {
    const folder = resolve(this.functionsDir, LAMBDA_CODE_FOLDER, functionName);
    const names = await readdir(folder).catch(() => [] as string[]);
    const kept = new Set(keep.filter((k): k is string => k !== undefined).map((k) => resolve(this.functionsDir, k)));
    const stale = async (path: string) => !kept.has(path) && now - (await stat(path)).mtimeMs > RECENT_MS;
    for (const path of names.map((n) => join(folder, n))) {
      if (await stale(path).catch(() => false)) await rm(path, { recursive: true, force: true });
    }
  }

  /** Removes every code folder of a deleted function. */
  async remove(functionName: string): Promise<void> {
    await rm(resolve(this.functionsDir, LAMBDA_CODE_FOLDER, functionName), { recursive: true, force: true });
  }

  private async ensureRoot(): Promise<void> {
    const root = resolve(this.functionsDir, LAMBDA_CODE_FOLDER);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'package.json'), '{"type":"commonjs"}\n');
  }
}
