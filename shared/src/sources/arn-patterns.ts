/** The partition part of an ARN (aws, aws-cn, aws-us-gov, ...). */
export const ARN_PARTITION = 'aws[a-zA-Z-]*';
