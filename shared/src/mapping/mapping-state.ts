/**
 * Lambda's event-source-mapping states and how they settle.
 * https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html
 * Create goes Creating -> Enabled (or Disabled); an update goes Enabling/Disabling/Updating and then
 * settles on Enabled or Disabled as the Enabled flag says; Deleting ends with the mapping gone.
 */
export const MappingState = {
  Creating: 'Creating',
  Enabling: 'Enabling',
  Enabled: 'Enabled',
  Disabling: 'Disabling',
  Disabled: 'Disabled',
  Updating: 'Updating',
  Deleting: 'Deleting',
} as const;

export type MappingState = (typeof MappingState)[keyof typeof MappingState];

/** States from which a user may update or delete; the others are "in use" (ResourceInUseException). */
export function isStableState(state: MappingState): boolean {
  return state === MappingState.Enabled || state === MappingState.Disabled;
}

/** What a transitional state settles into; `gone` means the mapping is removed. */
export function settledState(state: MappingState, enabled: boolean): MappingState | 'gone' {
  switch (state) {
    case MappingState.Creating:
    case MappingState.Updating:
      return enabled ? MappingState.Enabled : MappingState.Disabled;
    case MappingState.Enabling:
      return MappingState.Enabled;
    case MappingState.Disabling:
      return MappingState.Disabled;
    case MappingState.Deleting:
      return 'gone';
    default:
      return state;
  }
}

/** The transitional state an update enters, from the Enabled flag before and after it. */
export function updateState(wasEnabled: boolean, willBeEnabled: boolean): MappingState {
  if (wasEnabled === willBeEnabled) return MappingState.Updating;
  return willBeEnabled ? MappingState.Enabling : MappingState.Disabling;
}
