/**
 * Return codes of the lease scripts in shared/lua (each script's header lists them), so the TS side
 * never compares against bare numbers.
 */
export const TakeLeaseCode = { Taken: 0, Missing: 1, Changed: 2 } as const;
export const ReleaseLeaseCode = { Released: 0, Missing: 1, NotHeld: 2 } as const;
export const CheckpointLeaseCode = { Written: 0, LeaseLost: 1, NotForward: 2, Invalid: 3 } as const;
export const RecordLeaseLayoutCode = { Written: 0, LeaseLost: 1 } as const;

export type TakeLeaseCode = (typeof TakeLeaseCode)[keyof typeof TakeLeaseCode];
export type ReleaseLeaseCode = (typeof ReleaseLeaseCode)[keyof typeof ReleaseLeaseCode];
export type CheckpointLeaseCode = (typeof CheckpointLeaseCode)[keyof typeof CheckpointLeaseCode];
export type RecordLeaseLayoutCode = (typeof RecordLeaseLayoutCode)[keyof typeof RecordLeaseLayoutCode];
