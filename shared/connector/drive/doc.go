// Package drive exports a user's My Drive, or a shared drive as a
// customer-owned account, into "Drive/<folder path>/<name>".
//
// # What is exported
//
// Files the account owns (for a user) or holds (for a shared drive), not
// trashed: a file shared with the user but owned elsewhere is exported once,
// in its owner's folder. Binary files are downloaded as they are, resuming
// a broken download with a Range request and checking the MD5 when Drive
// gives one; a file Drive flags as malware or spam (403
// cannotDownloadAbusiveFile) is downloaded again with acknowledgeAbuse=true,
// and its entry's record in the item index says so. Google Docs, Sheets,
// Slides and Drawings are exported as docx, xlsx, pptx and svg, Apps Script
// projects as their sources in JSON (application/vnd.google-apps.script+json);
// when files.export fails (above all over Drive's 10 MB limit), the file's
// exportLinks URL is fetched instead, and only if both fail is the file
// recorded as a failure, with both reasons (or, when Drive gives no export
// link, with that reason). Shortcuts are listed as a small ".url" file
// pointing at their target; they are not followed, so the target of a
// shortcut to a trashed file is not exported. Forms, Sites, Maps and other
// Google types that Drive cannot export are recorded as failures saying so.
//
// # Whose access reads a shared drive
//
// Drive answers 404 to anyone not a member of a shared drive,
// administrators included: useDomainAdminAccess opens only a drive's
// metadata and permissions. The administrator lists the drive's members
// (permissions.list with useDomainAdminAccess) and the drive is read as
// one of them, organizers first; a drive with no member left is reported
// as unsupported, with that reason.
//
// # Names
//
// Every segment is sanitised with package zipname; names equal in a folder
// (after sanitising, ignoring case) get a suffix derived from the file id.
// Siblings are named in id order, so a re-export names each file the same.
//
// # Resuming
//
// The listing (metadata only) is read at the start of every Export call,
// and files are written in id order; the cursor is the id of the last file
// written.
//
// # Memory
//
// A drive may hold millions of files, and paths can only be planned once
// all are listed. The listing keeps what planning and downloads need of
// each file as one compact record (its id, sanitised name, MIME type,
// time, size, MD5 and shortcut target; a million files take about 100
// MiB) and parents as indexes; a Doc's exportLinks are read from Drive only
// when its export fails.
package drive
