// Package events publishes and decodes the export events on the
// export-events Pub/Sub topic. They drive AssembleReport: each tells it that
// an export's accounts may all be final now, and it checks.
//
// Delivery is at least once and unordered; every consumer is idempotent.
package events
