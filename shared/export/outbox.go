package export

import (
	"slices"
	"time"
)

// The emails of an export, each sent at most once per export.
const (
	MailHoldNotice = "hold-notice" // R3a: to every super administrator
	MailCancelled  = "cancelled"   // R3c, R3d: to the other super administrators
	MailCompleted  = "completed"   // R11: to the requester
)

// Mail is an email the export owes someone. It is queued in the export's
// record in the same transaction as the change it tells of, so a crash
// between the change and the send loses nothing; it is sent at once and,
// until the mail server accepts it, again by Housekeeping — always under
// the same Message-ID, so a mail client shows one message even in the rare
// case that a process dies between the server's acceptance and the record
// of it.
type Mail struct {
	Kind string   `firestore:"kind"`
	To   []string `firestore:"to"`
	// MessageID is the left part of the Message-ID (the sender adds its
	// domain): the same for every attempt.
	MessageID string    `firestore:"messageId"`
	Queued    time.Time `firestore:"queued"`
	Sent      time.Time `firestore:"sent,omitempty"`
	// Sending is how long a sender's claim on the email lasts: of two
	// deliveries that flush the outbox at once, only one sends.
	Sending   time.Time `firestore:"sending,omitempty"`
	Attempts  int       `firestore:"attempts"`
	LastError string    `firestore:"lastError,omitempty"`
}

// Queue adds an email of kind to the outbox, once: queuing a kind that is
// there already changes nothing, so a repeated transaction queues nothing
// twice.
func (e *Export) Queue(kind string, to []string, now time.Time) {
	if e.mail(kind) != nil || len(to) == 0 {
		return
	}
	e.Outbox = append(e.Outbox, Mail{Kind: kind, To: slices.Clone(to), MessageID: kind + "." + e.ID, Queued: now})
	e.MailPending = true
}

// Unsent lists the queued emails the mail server has not accepted yet.
func (e *Export) Unsent() []Mail {
	var out []Mail
	for _, m := range e.Outbox {
		if m.Sent.IsZero() {
			out = append(out, m)
		}
	}
	return out
}

// MailClaim is how long a sender holds an email it is sending; a sender
// that died frees it after this, and Housekeeping sends it again.
const MailClaim = 2 * time.Minute

// ClaimMail takes the email of kind for sending at now and reports whether
// it did: not when it was sent, or another sender holds it.
func (e *Export) ClaimMail(kind string, now time.Time) bool {
	m := e.mail(kind)
	if m == nil || !m.Sent.IsZero() || now.Before(m.Sending) {
		return false
	}
	m.Sending = now.Add(MailClaim)
	return true
}

// MarkSent records that the server accepted the email of kind.
func (e *Export) MarkSent(kind string, now time.Time) {
	if m := e.mail(kind); m != nil && m.Sent.IsZero() {
		m.Sent = now
		m.Attempts++
		m.LastError = ""
	}
	e.MailPending = len(e.Unsent()) > 0
}

// MarkFailed records a failed attempt to send the email of kind.
func (e *Export) MarkFailed(kind, why string) {
	if m := e.mail(kind); m != nil && m.Sent.IsZero() {
		m.Attempts++
		m.LastError = why
		m.Sending = time.Time{}
	}
}

func (e *Export) mail(kind string) *Mail {
	for i := range e.Outbox {
		if e.Outbox[i].Kind == kind {
			return &e.Outbox[i]
		}
	}
	return nil
}
