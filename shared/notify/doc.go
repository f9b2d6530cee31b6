// Package notify sends orgexport's three emails: the hold notice to every
// super administrator (R3a), the cancellation notice (R3c, R3d) and the
// completion notice to the requesting admin (R11).
//
// # Messages
//
// Each email is multipart/alternative with a plain-text and an HTML part
// that state the same facts. Every value that a user controls (domain,
// names, reasons) is escaped by html/template in the HTML part and reduced
// to one line in both parts; headers never carry CR or LF (see [HeaderText])
// and recipients must be plain addresses. Times are UTC, ISO 8601.
//
// # Links
//
// Links are built from config.Mail: the export's status page is
// ConsoleURL + "/exports/" + export id; the report and the archive are
// ArchiveURL + "/" + the export's root prefix ("{customerId}/{exportId}")
// + "/report.html" and + "/".
//
// # Delivery
//
// Mail goes out with github.com/wneessen/go-mail over SMTP, configured by
// host, port, TLS mode ("none", "starttls", "tls") and credentials.
// Sending is NOT idempotent: every call of a Send method sends an email. A
// caller that handles redelivered events (Pub/Sub, Cloud Tasks) must first
// record in Firestore that the email for this event is being sent, in a
// transaction, and call Send only when it made that record.
package notify
