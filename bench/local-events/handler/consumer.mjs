// Rule target of the events benchmark: accepts the event and returns.
export const handler = async (event) => ({ ok: true, id: event.id });
