import { MappingState, type EventSourceMapping } from '@sluice/shared';

/**
 * Whether pollers should run for a mapping. They run while it is enabled and not on its way out:
 * Creating, Enabling, Enabled and Updating with Enabled=true. Disabling and Disabled stop delivery
 * and keep the checkpoints; Deleting stops and lets the checkpoints go.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html ("Enabled: false ... pauses polling")
 */
export function isMappingActive(mapping: EventSourceMapping): boolean {
  if (!mapping.enabled) return false;
  return (
    mapping.state === MappingState.Creating ||
    mapping.state === MappingState.Enabling ||
    mapping.state === MappingState.Enabled ||
    mapping.state === MappingState.Updating
  );
}
