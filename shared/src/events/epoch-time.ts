/**
 * A timestamp as a stream service or an emulator returns it, in epoch milliseconds.
 * The AWS SDK hands out Date objects; emulators have sent ISO strings (moto) and epoch numbers, so
 * this accepts all three: numbers and numeric strings below 1e11 are epoch seconds (1e11 s is the
 * year 5138), larger ones are epoch milliseconds.
 */
export function toEpochMs(value: Date | number | string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return fromEpochNumber(value);
  const trimmed = value.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return fromEpochNumber(Number(trimmed));
  return Date.parse(trimmed);
}

function fromEpochNumber(value: number): number {
  return Math.abs(value) < 1e11 ? Math.round(value * 1000) : value;
}
