package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"iter"

	"github.com/orgexport/orgexport/shared/connector"
)

// NDJSONFailures adapts a failure list stored as NDJSON (one
// connector.Failure per line, as the data plane writes them to the bucket)
// into an Account.Failures iterator. Each iteration calls open, reads the
// list line by line and closes it, so a report can be written more than
// once and memory stays independent of the list's length.
func NDJSONFailures(open func() (io.ReadCloser, error)) iter.Seq2[connector.Failure, error] {
	return func(yield func(connector.Failure, error) bool) {
		rc, err := open()
		if err != nil {
			yield(connector.Failure{}, fmt.Errorf("opening failure list: %w", err))
			return
		}
		defer rc.Close()
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		for n := 1; sc.Scan(); n++ {
			if len(sc.Bytes()) == 0 {
				continue
			}
			var f connector.Failure
			if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
				yield(connector.Failure{}, fmt.Errorf("failure list line %d: %w", n, err))
				return
			}
			if !yield(f, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(connector.Failure{}, fmt.Errorf("reading failure list: %w", err))
		}
	}
}
