// Package wire builds what each function uses from its configuration: the
// store, the task queue, the Workspace clients, the bucket, the mailer and
// the connectors, and the adapters between them and the control and data
// planes. It is the only place that knows every concrete type.
package wire
