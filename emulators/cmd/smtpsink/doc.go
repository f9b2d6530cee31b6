// Command smtpsink runs the SMTP sink of the local stack: every message sent
// to it is written as an .eml file into a directory.
//
//	smtpsink -dir ./mail -addr 127.0.0.1:2525
package main
