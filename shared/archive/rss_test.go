package archive

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"testing"

	"github.com/orgexport/orgexport/emulators/procstat"

	"github.com/orgexport/orgexport/shared/archive/internal/synth"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
)

const rssChild = "ARCHIVE_RSS_CHILD"

// TestPeakRSS writes an account with a 5 GiB file and 100,000 small
// messages into the Discard bucket, in a child process so that nothing else
// counts, and checks the process's peak resident memory (issue 5: at most
// 256 MiB).
func TestPeakRSS(t *testing.T) {
	if os.Getenv(rssChild) != "" {
		writeBigAccount(t)
		return
	}
	if testing.Short() {
		t.Skip("writes 5 GiB through the part writer")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSS$", "-test.v")
	cmd.Env = append(os.Environ(), rssChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`peak RSS (\d+) KiB`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child printed no peak:\n%s", out)
	}
	kib, _ := strconv.Atoi(string(m[1]))
	t.Log(regexp.MustCompile(`peak RSS .*`).FindString(string(out)))
	if kib > 256<<10 {
		t.Errorf("peak RSS %d MiB, target 256 MiB", kib>>10)
	}
}

func writeBigAccount(t *testing.T) {
	bucket := blob.NewDiscard()
	sink := bucket.NewWriter(context.Background(), "a-001.zip", "application/zip")
	p, err := New(sink, Options{Index: io.Discard, Failures: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	video := synth.Random(1<<20, 3)
	w, err := p.Create(connector.Entry{Path: "Drive/video.mp4", ItemID: "video", Content: connector.Compressed})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 << 10 { // 5 GiB in 1 MiB writes
		if _, err := w.Write(video); err != nil {
			t.Fatal(err)
		}
	}
	mail := synth.Pool(synth.Text(4<<20, 4))
	for i := range 100_000 {
		w, err := p.Create(connector.Entry{Path: fmt.Sprintf("Mail/message %06d.eml", i), ItemID: strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(mail.File(i, 1<<10+i%(3<<10)))
		if i%100 == 99 {
			p.Checkpoint(context.Background(), strconv.Itoa(i))
		}
	}
	sum, err := p.Close()
	if err != nil || sink.Close() != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("peak RSS %d KiB; part %d MiB, %d entries; Go heap in use %d MiB, from the OS %d MiB",
		vmHWM(t), sum.Size>>20, sum.Entries, ms.HeapInuse>>20, ms.Sys>>20)
}

// vmHWM is the process's peak resident set size, in KiB.
func vmHWM(t *testing.T) int64 {
	b, err := procstat.PeakRSS(procstat.Self())
	if err != nil {
		t.Skip(err)
	}
	return b >> 10
}
