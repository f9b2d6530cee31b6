package archive

import (
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// DefaultLevel is the deflate level used when Options.Level is 0. With
// github.com/klauspost/compress it deflates text several times faster than
// the standard library's default level, at a ratio within a few percent (see
// BenchmarkDeflate).
const DefaultLevel = 5

// compressors pools deflate writers per level: each holds about a
// megabyte of window and tables.
var compressors sync.Map // int → *sync.Pool

func getCompressor(w io.Writer, level int) *flate.Writer {
	p, _ := compressors.LoadOrStore(level, &sync.Pool{})
	if fw, ok := p.(*sync.Pool).Get().(*flate.Writer); ok {
		fw.Reset(w)
		return fw
	}
	fw, err := flate.NewWriter(w, level)
	if err != nil { // the level was checked in New
		panic(err)
	}
	return fw
}

func putCompressor(fw *flate.Writer, level int) {
	fw.Reset(io.Discard)
	p, _ := compressors.Load(level)
	p.(*sync.Pool).Put(fw)
}
