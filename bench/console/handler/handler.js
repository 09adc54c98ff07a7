// The console benchmark's handler: logs a line (as most handlers do, so the console keeps log
// lines per request) and answers.
exports.hello = async (event, context) => {
  console.log(`handling ${event.rawPath} as ${context.awsRequestId}`);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }) };
};
