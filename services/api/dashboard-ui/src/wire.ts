// The API's answers as the page reads them: typed from the server's own builders, so a change to
// the wire fails the dashboard's type check (npm run lint) instead of the page.
import type { DashboardMapping, DashboardSnapshot, QueueView, ShardView, StreamView } from '../../src/dashboard/dashboard-wire.js';
import type { toDeadLetter, toDeadLetterSummary } from '../../src/dead-letters/dead-letter-wire.js';
import type { toFunctionConfiguration } from '../../src/functions/function-wire.js';
import type { toS3BindingWire } from '../../src/s3-bindings/s3-binding-wire.js';

export type { QueueView, ShardView, StreamView };
export type Snapshot = DashboardSnapshot;
export type MappingView = DashboardMapping;

export type DeadLetterSummary = ReturnType<typeof toDeadLetterSummary>;
export type DeadLetter = ReturnType<typeof toDeadLetter>;
export interface DeadLetterPage {
  readonly DeadLetters: DeadLetterSummary[];
  readonly NextMarker?: string;
}

export type FunctionConfiguration = ReturnType<typeof toFunctionConfiguration>;
export interface FunctionPage {
  readonly Functions: FunctionConfiguration[];
  readonly NextMarker?: string;
}

export type S3Binding = ReturnType<typeof toS3BindingWire>;
export interface S3BindingPage {
  readonly S3Bindings: S3Binding[];
  readonly NextMarker?: string;
}
