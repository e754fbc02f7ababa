// An example Sluice function packaged the way AWS Lambda runs container images: the handler file
// in /var/task of a Lambda base image, whose Runtime Interface Emulator serves the Invoke API on 8080.
// https://docs.aws.amazon.com/lambda/latest/dg/images-test.html
//
// It logs the batch it is handed and reports no failures, so a mapping with
// FunctionResponseTypes ["ReportBatchItemFailures"] checkpoints every record.
export const handler = async (event) => {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  console.log(JSON.stringify({ msg: 'batch received', records: records.length, source: records[0]?.eventSource }));
  return { batchItemFailures: [] };
};
