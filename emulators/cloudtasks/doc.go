// Package cloudtasks is an emulator of the Cloud Tasks API
// (google.cloud.tasks.v2) for the local stack and tests. Google ships none.
//
// It serves the gRPC API on one loopback port and dispatches HTTP tasks to
// their URLs with the semantics of the service, and serves the OIDC
// discovery document, the JWKS and a debug listing on another.
//
// # Connecting
//
// Use the official client with the emulator's address, no credentials and
// an insecure connection:
//
//	srv, err := cloudtasks.Start(ctx, cloudtasks.Options{})
//	if err != nil { ... }
//	defer srv.Close()
//	client, err := ctapi.NewClient(ctx, // cloud.google.com/go/cloudtasks/apiv2
//		option.WithEndpoint(srv.Addr()),
//		option.WithoutAuthentication(),
//		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
//
// srv.ClientOptions() returns those three options. Outside Go, or from
// another process, use the address printed by cmd/cloudtasks-emulator.
//
// Handlers verify the Authorization header of a dispatch against
// srv.IssuerURL() as they verify Google's tokens in production, e.g. with
// oidc.NewProvider(ctx, srv.IssuerURL()) of github.com/coreos/go-oidc/v3.
// The token's email and sub are oidc_token.service_account_email; its
// audience is oidc_token.audience, or the task's URL when that is empty. A
// task without oidc_token is sent without Authorization, as by the service.
//
// # Semantics
//
// RPCs: CreateQueue, UpdateQueue (creates a missing queue; honours the
// update mask), GetQueue, ListQueues, DeleteQueue, PauseQueue, ResumeQueue,
// PurgeQueue, CreateTask, GetTask, ListTasks, DeleteTask and RunTask. Others
// are Unimplemented, as are App Engine tasks, oauth_token and queue-level
// http_target.
//
//   - Names: projects/P/locations/L/queues/Q (Q: letters, digits, hyphens,
//     at most 100) and .../tasks/T (T: letters, digits, hyphens, underscores,
//     at most 500), else InvalidArgument. A task created without a name gets
//     a generated id. A missing queue or task is NotFound.
//   - Deduplication: creating a task whose name exists, or ran or was deleted
//     within the tombstone window (default 1 hour), is AlreadyExists.
//   - Limits, all InvalidArgument: schedule_time more than 30 days ahead;
//     dispatch_deadline outside [15s, 30m] (default 10m); a task larger than
//     100 KiB; a body with a method other than POST, PUT or PATCH; a URL that
//     is not absolute http(s).
//   - Dispatch: at schedule_time, with the task's method, headers and body,
//     User-Agent Google-Cloud-Tasks, X-CloudTasks-QueueName, -TaskName (short
//     id), -TaskRetryCount, -TaskExecutionCount, -TaskETA and, on retries,
//     -TaskPreviousResponse and -TaskRetryReason. A 2xx deletes the task.
//     Anything else, or no response within the dispatch deadline, retries it
//     after the backoff of the task's or queue's retry config (min/max
//     backoff, max doublings) until both max_attempts (-1: no limit) and
//     max_retry_duration (0: no limit) are reached, or forever when neither
//     is set; then the task is deleted. X-CloudTasks-TaskExecutionCount
//     counts the responses other than 5xx, as the service documents.
//   - Queues: rate limits are a token bucket (max_dispatches_per_second, a
//     burst of a fifth of that, at least 1) and max_concurrent_dispatches.
//     A paused queue holds its tasks; PurgeQueue deletes them; RunTask
//     dispatches at once even when paused or throttled.
//   - Views: BASIC (the default) leaves out the body; FULL includes it.
//     dispatch_count, response_count, first_attempt and last_attempt are
//     kept.
//
// # Duplicate delivery
//
// Cloud Tasks delivers at least once: its documentation says that "rarely,
// a task may be executed more than once", and handlers must be idempotent.
// Options.Duplicate (or Server.SetDuplicate, while running) makes that rare
// case happen on every dispatch, to prove that they are: each dispatch is
// sent a second time, the same request — method, URL, body, the task's
// headers, the same X-CloudTasks-* values and the same OIDC token — either
// at the same time as the original (duplicate.Concurrent), right after the
// original answered and its outcome was recorded (duplicate.After), or
// taking turns (duplicate.Alternating). Only the original's answer decides
// the task's fate: a 2xx deletes it, anything else retries it, whatever the
// duplicate answered; the duplicate's answer is only logged. Retries are
// dispatches, so they are duplicated too.
//
// What it does not model: duplicates that arrive long after the task ended
// (minutes or hours later), more than two executions of one dispatch, and
// the counters a second execution might move in the service (the
// duplicate does not count in dispatch_count, response_count,
// X-CloudTasks-TaskExecutionCount, or against the queue's rate and
// concurrency limits).
//
// # Time
//
// Options.Now injects the clock of schedule times, backoff, rate limits and
// tombstones; call Server.Tick after moving it. Dispatch deadlines and token
// lifetimes run in real time. Close cancels the attempts in flight and
// returns once every goroutine has ended.
//
// # Not emulated
//
// The service's own throttling (slower dispatch after 429 or 503 responses,
// Retry-After, ramp-up of idle queues), IAM, CMEK, BatchCreateTasks and
// BufferTask, and the tombstone of deleted queues. A token minted for an
// account and audience is reused for 10 minutes of its hour.
//
// GET /tasks on the HTTP address lists all tasks as JSON.
package cloudtasks
