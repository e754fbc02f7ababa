import { describe, expect, it } from 'vitest';
import { MappingState, isStableState, settledState, updateState } from '@sluice/shared';

// State rules from https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html (aws-facts 1.4).
describe('mapping states', () => {
  it('settles Creating and Updating on the Enabled flag', () => {
    expect(settledState(MappingState.Creating, true)).toBe('Enabled');
    expect(settledState(MappingState.Creating, false)).toBe('Disabled');
    expect(settledState(MappingState.Updating, true)).toBe('Enabled');
    expect(settledState(MappingState.Updating, false)).toBe('Disabled');
  });

  it('settles Enabling, Disabling and Deleting to their ends', () => {
    expect(settledState(MappingState.Enabling, false)).toBe('Enabled');
    expect(settledState(MappingState.Disabling, true)).toBe('Disabled');
    expect(settledState(MappingState.Deleting, true)).toBe('gone');
  });

  it('leaves stable states alone', () => {
    expect(settledState(MappingState.Enabled, false)).toBe('Enabled');
    expect(settledState(MappingState.Disabled, true)).toBe('Disabled');
    expect(isStableState(MappingState.Enabled)).toBe(true);
    expect(isStableState(MappingState.Disabled)).toBe(true);
    for (const s of ['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting'] as const) expect(isStableState(s)).toBe(false);
  });

  it('enters Enabling or Disabling when an update flips Enabled, Updating otherwise', () => {
    expect(updateState(true, false)).toBe('Disabling');
    expect(updateState(false, true)).toBe('Enabling');
    expect(updateState(true, true)).toBe('Updating');
    expect(updateState(false, false)).toBe('Updating');
  });
});
