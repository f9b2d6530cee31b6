// Package store keeps orgexport's records in Firestore: organisations,
// exports, their accounts and the audit log. Every
// state change happens in a transaction and only moves forward.
package store
