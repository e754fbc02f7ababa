import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** Scripts whose key count each call names (`verbNoun-n.lua`): the keys are counted at the call. */
const variadic = new Set<string>();

/**
 * Loads `shared/lua/<verbNoun>-<numberOfKeys>.lua` into ioredis as a command of that name (the name
 * may hold digits after its first letter, as createS3Binding). `-n` instead of a number: the script
 * takes as many keys as each call passes (runLuaScript counts them).
 * The files sit outside src/ so the same relative path works from src/ (tests) and dist/ (build).
 */
export function defineLuaScript(redis: Redis, fileName: string): void {
  const match = /^([a-zA-Z][a-zA-Z0-9]*)-(\d+|n)\.lua$/.exec(fileName);
  if (!match) throw new Error(`Lua script name must be verbNoun-N.lua: ${fileName}`);
  const [, name, keys] = match;
  if (keys === 'n') variadic.add(name!);
  if (typeof (redis as unknown as Record<string, unknown>)[name!] === 'function') return;
  const lua = readFileSync(new URL(`../../lua/${fileName}`, import.meta.url), 'utf8');
  redis.defineCommand(name!, keys === 'n' ? { lua } : { numberOfKeys: Number(keys), lua });
}

/** Calls a script defined with defineLuaScript. */
export function runLuaScript<T>(redis: Redis, name: string, keys: string[], args: (string | number)[]): Promise<T> {
  const command = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<T>>)[name];
  if (command === undefined) throw new Error(`Lua script ${name} is not defined`);
  return variadic.has(name) ? command.call(redis, keys.length, ...keys, ...args) : command.call(redis, ...keys, ...args);
}
