/**
 * The local console's JSON API: the request and response of every route under `/api/`, as the
 * browser UI (lib/console/) and any other tool reads them. Types only, so that the UI's bundle
 * takes nothing of the server with it. Times are epoch milliseconds unless a field says ISO.
 *
 * Every error is `4xx`/`5xx` with an {@link ApiError} body; bad input is always a 4xx.
 * POST routes refuse cross-origin requests (403 `CrossOriginRefused`).
 *
 *   GET  /api/app                                   AppOverview
 *   GET  /api/activity?limit=&before=&type=&function=&status=   ActivityPage
 *   GET  /api/activity/stream?type=&function=&status=           text/event-stream of ActivityEntry
 *   GET  /api/events/:id                            EventStory
 *   GET  /api/invocations/:requestId                InvocationStory
 *   GET  /api/dead-letters                          DeadLetters
 *   POST /api/dead-letters/:queue/redrive           DeadLetterSelection -> RedriveResult
 *   POST /api/dead-letters/:queue/delete            DeadLetterSelection -> DeleteResult
 *   POST /api/events                                PutEventRequest -> PutEventResult
 *   POST /api/events/preview                        PreviewRequest -> PreviewResult
 *   POST /api/functions/:name/invoke                InvokeRequestBody -> InvokeResponseBody
 *   POST /api/schedules/:name/trigger               TriggerRequest -> TriggerResult
 *   POST /api/routes/call                           RouteCallRequest -> RouteCallResult
 *   GET  /api/tables                                TablesList
 *   GET  /api/tables/:name/items?limit=&next=       TableItemsPage
 */

/** The body of every error answer. */
export interface ApiError {
  /** A stable code: `ValidationError`, `NotFound`, `CrossOriginRefused`, or the AWS error code of the operation behind the route (`ResourceNotFoundException`, ...). */
  readonly error: string;
  /** What was wrong and, where there is one, how to fix it. */
  readonly message: string;
}

export type * from './api/app';
export type * from './api/activity';
export type * from './api/stories';
export type * from './api/dead-letters';
export type * from './api/act';
