import type { ContractInfo } from '@sluice/shared';

/** What the API's document says of itself; the version is the contract's, `v1` of the paths. */
export const API_CONTRACT_INFO: ContractInfo = {
  title: 'Sluice API (own routes)',
  version: '1.0.0',
  description:
    "Sluice's own routes on the API port: the function registry, dead letters, S3 bindings, the FilterCriteria test, the dashboard's snapshot, probes and metrics. " +
    "Lambda's own operations (/2015-03-31/..., /2017-03-31/..., /2019-09-25/...) answer as AWS's model for Lambda says and are not repeated here. " +
    'With SLUICE_API_TOKEN set, every operation but the probes needs it, as a Bearer token or as the secret access key of a SigV4 signature.',
  securitySchemes: {
    apiToken: { type: 'http', scheme: 'bearer', description: 'SLUICE_API_TOKEN, when it is set.' },
  },
};
