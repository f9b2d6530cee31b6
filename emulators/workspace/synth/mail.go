package synth

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"strconv"
	"time"
)

// Label is a Gmail label.
type Label struct {
	ID, Name string
	System   bool
}

// Message is a Gmail message's metadata; Raw has its bytes.
type Message struct {
	Index        int
	ID, ThreadID string
	LabelIDs     []string
	Internal     time.Time
	Subject      string
}

// Labels returns the user's labels: the system ones and a few of the user's.
func (g *Org) Labels(user int) []Label {
	ls := []Label{{"INBOX", "INBOX", true}, {"SENT", "SENT", true}, {"IMPORTANT", "IMPORTANT", true},
		{"TRASH", "TRASH", true}, {"SPAM", "SPAM", true}, {"Label_1", "Projects/Alpha", false}, {"Label_2", "Kvitton – räkningar", false}}
	if g.opt.Hostile {
		ls = append(ls, Label{"Label_3", "<script>alert(1)</script>/../..", false})
	}
	return ls
}

// MessageCount is the number of messages in the user's mailbox.
func (g *Org) MessageCount(user int) int {
	if !g.HasData() {
		return 0
	}
	return g.opt.MessagesPerUser
}

// MessageID is message j's Gmail id: the index and a hash, in hex.
func (g *Org) MessageID(user, j int) string {
	return fmt.Sprintf("18%06x%08x", j, uint32(g.hash(kMail, uint64(user), uint64(j))))
}

// MessageIndex parses a message id of the user back to its index.
func (g *Org) MessageIndex(user int, id string) (int, bool) {
	if len(id) != 16 || id[:2] != "18" {
		return 0, false
	}
	j, err := strconv.ParseUint(id[2:8], 16, 32)
	if err != nil || int(j) >= g.MessageCount(user) || g.MessageID(user, int(j)) != id {
		return 0, false
	}
	return int(j), true
}

// Message returns message j's metadata.
func (g *Org) Message(user, j int) Message {
	n := g.MessageCount(user)
	m := Message{Index: j, ID: g.MessageID(user, j), ThreadID: g.MessageID(user, j/2*2),
		Internal: g.opt.Now.Add(-time.Duration(n-j) * 7 * time.Hour).Truncate(time.Second)}
	m.LabelIDs = []string{"INBOX"}
	switch j % 4 {
	case 1:
		m.LabelIDs = []string{"SENT"}
	case 2:
		m.LabelIDs = []string{"INBOX", "Label_1"}
	case 3:
		m.LabelIDs = []string{"INBOX", "IMPORTANT", "Label_2"}
	}
	if n > 5 && (j == 3 || j == 4) { // one in Spam, one in Trash: listed only with includeSpamTrash
		m.LabelIDs = []string{[]string{"SPAM", "TRASH"}[j-3]}
	}
	m.Subject = fmt.Sprintf("Status report %d", j)
	return m
}

// Raw returns message j's RFC 822 bytes (CRLF line ends), as Gmail's
// format=raw returns them.
func (g *Org) Raw(user, j int) []byte {
	u, m := g.users[user], g.Message(user, j)
	peer := g.users[(user+1+j)%len(g.users)]
	from, to := peer, u
	if j%4 == 1 {
		from, to = u, peer
	}
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("Message-ID", fmt.Sprintf("<%s.%d@%s>", m.ID, user, g.opt.Domain))
	hdr("Date", m.Internal.Format(time.RFC1123Z))
	hdr("From", fmt.Sprintf("%s <%s>", mime.QEncoding.Encode("utf-8", from.FullName()), from.Email))
	hdr("To", fmt.Sprintf("%s <%s>", mime.QEncoding.Encode("utf-8", to.FullName()), to.Email))
	hdr("MIME-Version", "1.0")
	large := j == g.MessageCount(user)-1 && g.opt.LargeMessageSize > 0 && j > 0
	switch {
	case j == 0 && g.opt.Hostile:
		g.hostileMail(&b, hdr)
	case large:
		hdr("Subject", "Large attachment")
		g.attachmentMail(&b, hdr, "large.bin", Blob{key: g.hash(kBlob, kMail, uint64(user), uint64(j)), Size: g.opt.LargeMessageSize})
	case j%4 == 0:
		hdr("Subject", m.Subject)
		hdr("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(&b, "\r\nHello %s,\r\n\r\nThe numbers for week %d are in.\r\n", to.GivenName, j)
	case j%4 == 1:
		hdr("Subject", m.Subject)
		g.htmlMail(&b, hdr, j)
	case j%4 == 2:
		hdr("Subject", m.Subject+" (attached)")
		g.attachmentMail(&b, hdr, fmt.Sprintf("report-%d.pdf", j), Blob{key: g.hash(kBlob, kMail, uint64(user), uint64(j)), Size: 2000 + int64(j%1000)*97}) // at most ~99 KB, whatever the mailbox size
	default:
		hdr("Subject", mime.QEncoding.Encode("utf-8", fmt.Sprintf("Grüße från Malmö – 会議 %d 📅", j)))
		hdr("Content-Type", "text/plain; charset=utf-8")
		hdr("Content-Transfer-Encoding", "8bit")
		b.WriteString("\r\nHej! Smörgåsbord, naïve café, 日本語のテキスト.\r\n")
	}
	return b.Bytes()
}

func (g *Org) htmlMail(b *bytes.Buffer, hdr func(k, v string), j int) {
	hdr("Content-Type", `multipart/alternative; boundary="alt-boundary"`)
	fmt.Fprintf(b, "\r\n--alt-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain version %d\r\n", j)
	fmt.Fprintf(b, "--alt-boundary\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>HTML <b>version</b> %d</p></body></html>\r\n--alt-boundary--\r\n", j)
}

func (g *Org) attachmentMail(b *bytes.Buffer, hdr func(k, v string), name string, blob Blob) {
	hdr("Content-Type", `multipart/mixed; boundary="mixed-boundary"`)
	b.WriteString("\r\n--mixed-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n")
	fmt.Fprintf(b, "--mixed-boundary\r\nContent-Type: application/octet-stream; name=%q\r\n", name)
	fmt.Fprintf(b, "Content-Disposition: attachment; filename=%q\r\nContent-Transfer-Encoding: base64\r\n\r\n", name)
	writeBase64Lines(b, blob.Reader())
	b.WriteString("--mixed-boundary--\r\n")
}

func writeBase64Lines(b *bytes.Buffer, r io.Reader) {
	buf := make([]byte, 57*1024)
	line := make([]byte, 80)
	for {
		n, err := io.ReadFull(r, buf)
		for i := 0; i < n; i += 57 {
			k := base64.StdEncoding.EncodedLen(min(57, n-i))
			base64.StdEncoding.Encode(line, buf[i:min(i+57, n)])
			b.Write(line[:k])
			b.WriteString("\r\n")
		}
		if err != nil {
			return
		}
	}
}

func (g *Org) hostileMail(b *bytes.Buffer, hdr func(k, v string)) {
	hdr("Subject", "<script>alert('mail')</script> \xff\xfe invalid UTF-8 \u202egnp.exe")
	hdr("Content-Type", "text/plain; charset=utf-8")
	b.WriteString("\r\nFirst line.\r\nFrom here on, this line starts with From and must be escaped in mbox.\r\n")
	b.WriteString("From someone@example.com Sat Jan  1 00:00:00 2000\r\n>From already quoted\r\n")
}
