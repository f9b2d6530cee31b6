// Package control is the export's control plane: everything before data
// moves and everything that ends an export. It starts exports (R1–R3, R5),
// reports their status, cancels them (R3c, R3d), serves the audit log (R15),
// carries out support's actions (R14) and does the hourly housekeeping
// (R2b, R10, R12, stuck work).
//
// It declares the small interfaces it needs of the store, the Directory, the
// task queue and the mailer; the functions wire the real ones in.
package control
