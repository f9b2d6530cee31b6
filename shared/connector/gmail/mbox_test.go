package gmail

import (
	"bytes"
	"testing"
	"time"
)

func TestMboxrdEscapesFromLinesAndSeparates(t *testing.T) {
	var buf bytes.Buffer
	m := newMboxWriter(&buf)
	date := time.Date(2026, 3, 5, 9, 4, 5, 0, time.UTC)
	raw := "Subject: hi\r\n\r\nFrom here on\r\n>From quoted\r\nFrom\r\nlast line without newline"
	if err := m.write("1@xxx", date, []header{{"X-GM-THRID", "42"}}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := m.write("2@xxx", date, nil, []byte("Subject: two\n\nbody\n")); err != nil {
		t.Fatal(err)
	}
	m.flush()
	want := "From 1@xxx Thu Mar  5 09:04:05 2026\n" +
		"X-GM-THRID: 42\r\nSubject: hi\r\n\r\n>From here on\r\n>>From quoted\r\nFrom\r\nlast line without newline\r\n\n" +
		"From 2@xxx Thu Mar  5 09:04:05 2026\nSubject: two\n\nbody\n\n"
	if buf.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", buf.String(), want)
	}
}
