package synth

import (
	"fmt"
	"time"
)

// Options fix an organisation. The zero value of a count means none; use a
// preset (Tiny, Demo, Large) and change what a test needs.
type Options struct {
	Seed   int64
	Domain string
	// Now is the reference time: creation times and dates are relative to it.
	Now time.Time
	// YoungCustomer makes the organisation itself 10 days old.
	YoungCustomer bool

	Users        int
	Groups       int
	SharedDrives int
	Resources    int
	// MetadataOnly gives users no data at all: cheap organisations for the
	// user-count rules (R1d).
	MetadataOnly bool

	MessagesPerUser int
	// LargeMessageSize is the size of each user's one large message's
	// attachment.
	LargeMessageSize int64
	// FilesPerUser counts the generated Drive files beyond the fixed set
	// every user has (folders, odd names, Docs, a shortcut, a trashed file).
	FilesPerUser int
	// NestedFolders puts the generated files in a tree of folders instead
	// of the fixed three: every tenth generated file is a folder, the
	// child of an earlier one (eight subfolders each), and the other nine
	// go in the latest folder before them, so a million files make
	// 100,000 folders seven levels deep. Names still clash within a folder
	// (report.pdf), as in a real drive.
	NestedFolders bool
	// MaxFileSize bounds generated binary files; one per user has exactly
	// this size.
	MaxFileSize int64
	// BigDocSize is the size of the payload inside each user's one Doc
	// whose export exceeds Drive's 10 MB export limit; 0 means no such Doc.
	BigDocSize      int64
	EventsPerUser   int
	ContactsPerUser int
	// TasksPerUser counts each user's tasks over their two lists, deleted
	// and hidden ones included.
	TasksPerUser int
	// NotesPerUser counts each user's Keep notes, trashed ones included.
	NotesPerUser int
	// ChatSpaces counts the spaces created by the organisation's users; each
	// user also has direct messages with the next user.
	ChatSpaces      int
	MessagesPerChat int
	// OrphanedSpaces are how many of the named spaces have no member in
	// the organisation left (their messages cannot be read, R7b).
	OrphanedSpaces int
	// Courses counts Classroom courses; each has a teacher and students
	// from the organisation.
	Courses int
	// Vault gives the organisation Vault licences and its super admins
	// Vault privileges: the Vault API answers them and the account
	// "vault" has items.
	Vault bool
	// RetainedPerUser counts each user's deleted mail messages that Vault
	// retention still keeps (the Gmail API does not list them); at most 255.
	RetainedPerUser int
	// PostsPerGroup counts each group's conversation messages (only Vault
	// returns them); at most 255.
	PostsPerGroup int
	// Hostile adds names meant to break exporters and reports: markup, CR/LF,
	// path traversal, right-to-left override, very long names, invalid UTF-8,
	// and a mail body line starting with "From ".
	Hostile bool
	// Unexportable makes each user's TrapNoLink Doc one Drive cannot
	// export (over 10 MB, no export links): an item that always fails, for
	// the tests of that trap; off, it is an ordinary Doc, so other exports
	// (the demo's) can complete without errors.
	Unexportable bool
}

// DefaultNow is the reference time of the presets.
var DefaultNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Tiny is a small organisation for tests: 6 users with a handful of items each.
func Tiny(seed int64) Options {
	return Options{
		Seed: seed, Domain: "example.com", Now: DefaultNow,
		Users: 6, Groups: 3, SharedDrives: 2, Resources: 2,
		MessagesPerUser: 6, LargeMessageSize: 1 << 20,
		FilesPerUser: 4, MaxFileSize: 256 << 10, BigDocSize: 10<<20 + 512<<10,
		EventsPerUser: 4, ContactsPerUser: 4,
		TasksPerUser: 12, NotesPerUser: 6, ChatSpaces: 2, MessagesPerChat: 5, Courses: 2,
		Vault: true, RetainedPerUser: 2, PostsPerGroup: 3,
	}
}

// Demo is the README's demonstration organisation: tens of users.
func Demo(seed int64) Options {
	o := Tiny(seed)
	o.Users, o.Groups, o.SharedDrives, o.Resources = 40, 8, 4, 4
	o.MessagesPerUser, o.FilesPerUser, o.EventsPerUser, o.ContactsPerUser = 30, 20, 12, 15
	o.MaxFileSize = 4 << 20
	o.TasksPerUser, o.NotesPerUser, o.ChatSpaces, o.MessagesPerChat, o.Courses = 20, 10, 6, 12, 5
	return o
}

// Large is 10,000 users and well over 100 GB, generated on the fly.
func Large(seed int64) Options {
	o := Tiny(seed)
	o.Users, o.Groups, o.SharedDrives, o.Resources = 10000, 500, 200, 100
	o.MessagesPerUser, o.FilesPerUser, o.EventsPerUser, o.ContactsPerUser = 200, 30, 40, 50
	o.LargeMessageSize = 8 << 20
	o.MaxFileSize = 2 << 20
	o.RetainedPerUser, o.PostsPerGroup = 1, 1
	return o
}

// Preset returns the named preset: "tiny", "demo" or "large".
func Preset(name string, seed int64) (Options, error) {
	switch name {
	case "tiny":
		return Tiny(seed), nil
	case "demo":
		return Demo(seed), nil
	case "large":
		return Large(seed), nil
	}
	return Options{}, fmt.Errorf("synth: unknown preset %q (want tiny, demo or large)", name)
}

func (o Options) validate() error {
	switch {
	case o.Domain == "":
		return fmt.Errorf("synth: options: empty domain")
	case o.Now.IsZero():
		return fmt.Errorf("synth: options: zero Now")
	case o.Users < 1:
		return fmt.Errorf("synth: options: need at least one user (the admin)")
	case o.MaxFileSize < 0 || o.LargeMessageSize < 0 || o.BigDocSize < 0:
		return fmt.Errorf("synth: options: negative size")
	case o.RetainedPerUser < 0 || o.RetainedPerUser > 255 || o.PostsPerGroup < 0 || o.PostsPerGroup > 255:
		return fmt.Errorf("synth: options: RetainedPerUser and PostsPerGroup must be in [0, 255]")
	}
	return nil
}
