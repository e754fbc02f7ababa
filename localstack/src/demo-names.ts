/**
 * The names of the demo resources: one name for the stream, the table and the function, so a
 * newcomer sees at a glance which pieces belong together. LocalStack's init script uses the same.
 */
export const DEMO_NAME = 'sluice-demo' as const;
