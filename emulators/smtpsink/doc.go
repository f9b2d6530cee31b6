// Package smtpsink is an SMTP server for tests and the local stack: it
// accepts every message on a loopback port and keeps it as an .eml file in
// a directory, where tests and developers read it.
//
// Each file is the message as received, preceded by two headers that carry
// the SMTP envelope: Return-Path (the MAIL FROM address) and
// X-Sink-Envelope-To (the RCPT TO addresses). Files are named by arrival,
// 000001.eml, 000002.eml, …, and appear only once complete.
//
// [Sink.Messages] parses the files with net/mail and mime/multipart, so a
// message that is not valid MIME is an error there. The sink can offer
// STARTTLS or implicit TLS and require AUTH PLAIN, to exercise a client's
// TLS modes and credentials.
package smtpsink
