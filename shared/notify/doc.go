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
// A Send method is not idempotent: every call sends an email. The planes
// therefore never call one directly: they queue the email in the export's
// record (export.Export.Queue) in the same transaction as the change it
// tells of, and [Outbox] sends it — claiming it first, so two deliveries
// flushing at once send it once — and records the server's acceptance.
// What the server refused stays queued and Housekeeping sends it later,
// under the same Message-ID.
package notify
