// Package blobtest is the conformance suite of the blob port: Run checks
// that an implementation stores, reads, lists, describes and deletes
// objects as package blob documents, including abandoned uploads.
package blobtest
