// The handler both runtimes serve in the benchmark: small, CommonJS, no dependencies.
exports.hello = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'hello', path: event.rawPath ?? event.path }),
});
