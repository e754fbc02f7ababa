import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * Pinning: the stream emulator gets the last core to itself and everything else (the bench, with
 * the raw loop and the function, Redis and Sluice) shares the others, with `taskset`. On a 2-core
 * machine kinesis-local (one busy Node.js thread while it serves a drain) otherwise competes with
 * Sluice, Redis and the function for both cores, so every millisecond of CPU they use slows the
 * emulator that the raw baseline ran undisturbed, and a ratio to that baseline stops measuring
 * Sluice. Pinned, the emulator has the same core in both runs and the question is only whether
 * Sluice keeps up with the stream service, as against AWS or on a machine with cores to spare.
 *
 * BENCH_PIN=1 or 0 decides; unset, each bench says (`byDefault`: the drain bench pins, latency and
 * idle do not). A machine with one core never pins.
 */
export function pinningWanted(byDefault: boolean): boolean {
  const value = process.env.BENCH_PIN?.trim() ?? '';
  if (value !== '' && value !== '0' && value !== '1') throw new Error(`BENCH_PIN: expected 0 or 1, got ${JSON.stringify(value)}`);
  const wanted = value === '' ? byDefault : value === '1';
  if (wanted && cpus().length < 2) {
    if (value === '1') throw new Error('BENCH_PIN=1 needs at least 2 cores');
    return false;
  }
  return wanted;
}

/** The cores the emulator gets (the last one), and the rest, as taskset lists. */
function cores(): { emulator: string; rest: string } {
  // The machine's cores, not this process's (pinBenchProcess narrows those).
  const count = cpus().length;
  return { emulator: String(count - 1), rest: count === 2 ? '0' : `0-${count - 2}` };
}

/** Moves this process (and so every child it starts later) off the emulator's core. */
export function pinBenchProcess(): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores().rest, String(process.pid)], { stdio: 'ignore' });
}

/** Gives the emulator process, every thread of it, its own core. */
export function pinEmulator(pid: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores().emulator, String(pid)], { stdio: 'ignore' });
}

/** For each bench's header. */
export function pinningLine(pinned: boolean): string {
  if (!pinned) return 'no pinning (kinesis-local shares every core)';
  const { emulator, rest } = cores();
  return `kinesis-local pinned to core ${emulator}, the rest to ${rest === '0' ? 'core 0' : `cores ${rest}`}`;
}
