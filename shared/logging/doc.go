// Package logging builds the log/slog logger every function uses: JSON in
// Cloud Logging's structured format (severity, message, time, trace and the
// execution id), or text for local runs.
//
// Libraries take a *slog.Logger; only the entry points call New.
package logging
