// Package pacer paces and retries calls to the Google Workspace REST APIs.
//
// A Pacer belongs to one (user, API) pair, as Google's quotas do. It is used
// as an http.RoundTripper under the google.golang.org/api clients, so retries
// live in exactly one layer:
//
//   - Before a call is sent it waits for the pair's Limit (a token bucket:
//     the account's share of the API's quotas, from shared/quota through
//     Options.Limits; each call costing its method's units), so that
//     quotas are kept rather than discovered.
//   - 429, 403 rateLimitExceeded / userRateLimitExceeded, 5xx and network
//     failures are retried with capped, jittered exponential backoff that honours
//     Retry-After; while one call of a pair backs off, the pair's other calls
//     wait too.
//   - 404, 410, 400 and 403 quotaExceeded / dailyLimitExceeded (and other
//     403s) are final for the item: the response goes back to the caller.
//   - 401, and failing to get a token (ErrNoToken), are fatal: no item can
//     be read with these credentials.
//   - A successful JSON answer (up to 16 MiB) is read inside the retry loop,
//     so one cut off in transit is fetched again.
//
// # Classes and reasons
//
// ClassOf and Reason turn the error a client call returned into what to do
// (Retry, FinalForItem, Fatal) and into a reason a person can read, for the
// export report. Every wait watches the context; the clock and the sleep are
// injected (Options) so tests never sleep.
package pacer
