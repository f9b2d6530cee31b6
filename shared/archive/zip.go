package archive

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"
	"unicode/utf8"
)

// Record signatures and fields of the zip format (PKWARE APPNOTE 6.3).
const (
	sigLocal        = 0x04034b50
	sigCentral      = 0x02014b50
	sigDescriptor   = 0x08074b50
	sigEnd          = 0x06054b50
	sigEnd64        = 0x06064b50
	sigEnd64Locator = 0x07064b50

	methodStore   = 0
	methodDeflate = 8

	flagDescriptor = 0x0008 // sizes and CRC follow the data
	flagUTF8       = 0x0800 // the name is UTF-8

	version20   = 20             // deflate, data descriptors
	version45   = 45             // zip64
	madeByUnix  = 3 << 8         // external attributes hold a Unix mode
	fileMode    = 0o100644 << 16 // regular file, rw-r--r--
	extraZip64  = 0x0001
	extraTime   = 0x5455 // extended timestamp, modification time in UTC
	max16       = 1<<16 - 1
	max32       = 1<<32 - 1
	centralLen  = 46
	end64Len    = 56
	dosEpochYr  = 1980
	unixTimeMax = 1<<32 - 1
)

// errClosed is returned by an entry's writer after the entry has ended.
var errClosed = errors.New("zip entry already closed")

// entry is the file being written.
type entry struct {
	name   string
	itemID string
	note   string
	method uint16
	// zip64 declares zip64 in the local header, so that the data descriptor
	// has 8-byte sizes and readers that stream through local headers read
	// sizes over 4 GiB right. Set for stored entries, which is where files
	// that large are (video, archives, disk images).
	zip64    bool
	modified time.Time
	offset   uint64
	crc      uint32
	size     uint64 // uncompressed
	csize    uint64 // compressed
}

// zipWriter writes local headers, data and data descriptors as entries are
// written, and keeps the encoded central directory records of finished
// entries until close.
type zipWriter struct {
	w       *counter
	central blocks
	entries uint64
	scratch []byte // for encoding a central record
}

// blocks is a byte buffer in blocks of blockSize: it grows without
// copying or doubling, so a directory of hundreds of thousands of
// entries takes the memory of its bytes.
type blocks struct {
	list [][]byte
	n    int64
}

const blockSize = 1 << 20

func (b *blocks) Write(p []byte) {
	for len(p) > 0 {
		if len(b.list) == 0 || len(b.list[len(b.list)-1]) == blockSize {
			b.list = append(b.list, make([]byte, 0, blockSize))
		}
		last := &b.list[len(b.list)-1]
		k := copy((*last)[len(*last):blockSize], p)
		*last, p = (*last)[:len(*last)+k], p[k:]
		b.n += int64(k)
	}
}

func (b *blocks) Len() int64 { return b.n }

// WriteTo writes the blocks to w and drops them.
func (b *blocks) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for i, blk := range b.list {
		k, err := w.Write(blk)
		n += int64(k)
		b.list[i] = nil
		if err != nil {
			return n, err
		}
	}
	b.list, b.n = nil, 0
	return n, nil
}

// begin writes e's local header at the current offset.
func (z *zipWriter) begin(e *entry) error {
	e.offset = uint64(z.w.n)
	needed, size, extra := uint16(version20), uint32(0), []byte(nil)
	if e.zip64 {
		// Sizes in the zip64 field, which the data descriptor gives.
		needed, size = version45, max32
		extra = binary.LittleEndian.AppendUint16(extra, extraZip64)
		extra = binary.LittleEndian.AppendUint16(extra, 16)
		extra = append(extra, make([]byte, 16)...)
	}
	extra = appendTimeExtra(extra, e.modified)
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, sigLocal)
	b = binary.LittleEndian.AppendUint16(b, needed)
	b = binary.LittleEndian.AppendUint16(b, flags(e.name))
	b = binary.LittleEndian.AppendUint16(b, e.method)
	b = appendDOSTime(b, e.modified)
	b = binary.LittleEndian.AppendUint32(b, 0) // CRC: in the data descriptor
	b = binary.LittleEndian.AppendUint32(b, size)
	b = binary.LittleEndian.AppendUint32(b, size)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(extra)))
	b = append(b, e.name...)
	b = append(b, extra...)
	_, err := z.w.Write(b)
	return err
}

// end writes e's data descriptor and keeps its central directory record.
func (z *zipWriter) end(e *entry) error {
	if err := z.descriptor(e); err != nil {
		return err
	}
	z.scratch = appendCentral(z.scratch[:0], e)
	z.central.Write(z.scratch)
	z.entries++
	return nil
}

// descriptor writes e's data descriptor.
func (z *zipWriter) descriptor(e *entry) error {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, sigDescriptor)
	b = binary.LittleEndian.AppendUint32(b, e.crc)
	// 8-byte sizes when the local header declared zip64, or when they do
	// not fit in 4 (readers of the central directory find them there).
	if e.zip64 || e.size >= max32 || e.csize >= max32 {
		b = binary.LittleEndian.AppendUint64(b, e.csize)
		b = binary.LittleEndian.AppendUint64(b, e.size)
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(e.csize))
		b = binary.LittleEndian.AppendUint32(b, uint32(e.size))
	}
	_, err := z.w.Write(b)
	return err
}

// appendCentral appends e's central directory header to b.
func appendCentral(b []byte, e *entry) []byte {
	zip64 := e.size >= max32 || e.csize >= max32 || e.offset >= max32
	needed, csize, size, offset := uint16(version20), uint32(e.csize), uint32(e.size), uint32(e.offset)
	var extra []byte
	if zip64 {
		needed, csize, size, offset = version45, max32, max32, max32
		extra = binary.LittleEndian.AppendUint16(extra, extraZip64)
		extra = binary.LittleEndian.AppendUint16(extra, 24)
		extra = binary.LittleEndian.AppendUint64(extra, e.size)
		extra = binary.LittleEndian.AppendUint64(extra, e.csize)
		extra = binary.LittleEndian.AppendUint64(extra, e.offset)
	}
	extra = appendTimeExtra(extra, e.modified)
	b = binary.LittleEndian.AppendUint32(b, sigCentral)
	b = binary.LittleEndian.AppendUint16(b, madeByUnix|version45)
	b = binary.LittleEndian.AppendUint16(b, needed)
	b = binary.LittleEndian.AppendUint16(b, flags(e.name))
	b = binary.LittleEndian.AppendUint16(b, e.method)
	b = appendDOSTime(b, e.modified)
	b = binary.LittleEndian.AppendUint32(b, e.crc)
	b = binary.LittleEndian.AppendUint32(b, csize)
	b = binary.LittleEndian.AppendUint32(b, size)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(extra)))
	b = append(b, 0, 0, 0, 0, 0, 0) // comment length, disk, internal attributes
	b = binary.LittleEndian.AppendUint32(b, fileMode)
	b = binary.LittleEndian.AppendUint32(b, offset)
	b = append(b, e.name...)
	return append(b, extra...)
}

// close writes the central directory and the end records, with the zip64
// end records when the counts or offsets need them.
func (z *zipWriter) close() error {
	start := uint64(z.w.n)
	size := uint64(z.central.Len())
	if _, err := z.central.WriteTo(z.w); err != nil {
		return err
	}
	var b []byte
	if z.entries >= max16 || size >= max32 || start >= max32 {
		end64 := uint64(z.w.n)
		b = binary.LittleEndian.AppendUint32(b, sigEnd64)
		b = binary.LittleEndian.AppendUint64(b, end64Len-12) // size of the rest of the record
		b = binary.LittleEndian.AppendUint16(b, madeByUnix|version45)
		b = binary.LittleEndian.AppendUint16(b, version45)
		b = append(b, 0, 0, 0, 0, 0, 0, 0, 0) // this disk, central directory's disk
		b = binary.LittleEndian.AppendUint64(b, z.entries)
		b = binary.LittleEndian.AppendUint64(b, z.entries)
		b = binary.LittleEndian.AppendUint64(b, size)
		b = binary.LittleEndian.AppendUint64(b, start)
		b = binary.LittleEndian.AppendUint32(b, sigEnd64Locator)
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint64(b, end64)
		b = binary.LittleEndian.AppendUint32(b, 1) // total disks
	}
	n16 := uint16(min(z.entries, max16))
	b = binary.LittleEndian.AppendUint32(b, sigEnd)
	b = append(b, 0, 0, 0, 0) // this disk, central directory's disk
	b = binary.LittleEndian.AppendUint16(b, n16)
	b = binary.LittleEndian.AppendUint16(b, n16)
	b = binary.LittleEndian.AppendUint32(b, uint32(min(size, max32)))
	b = binary.LittleEndian.AppendUint32(b, uint32(min(start, max32)))
	b = binary.LittleEndian.AppendUint16(b, 0) // comment length
	_, err := z.w.Write(b)
	return err
}

// flags are an entry's general purpose flags.
func flags(name string) uint16 {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return flagDescriptor | flagUTF8
		}
	}
	return flagDescriptor
}

// appendDOSTime appends t (in UTC) as MS-DOS time and date; times before
// 1980 become 1980-01-01 00:00.
func appendDOSTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	if t.Year() < dosEpochYr {
		return append(b, 0, 0, 0x21, 0) // 00:00:00, 1980-01-01
	}
	tm := uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	dt := uint16((min(t.Year(), 2107)-dosEpochYr)<<9 | int(t.Month())<<5 | t.Day())
	b = binary.LittleEndian.AppendUint16(b, tm)
	return binary.LittleEndian.AppendUint16(b, dt)
}

// appendTimeExtra appends the extended timestamp field, which carries the
// modification time in UTC, when t is representable.
func appendTimeExtra(b []byte, t time.Time) []byte {
	s := t.Unix()
	if t.IsZero() || s < 0 || s > unixTimeMax {
		return b
	}
	b = binary.LittleEndian.AppendUint16(b, extraTime)
	b = binary.LittleEndian.AppendUint16(b, 5)
	b = append(b, 1) // modification time present
	return binary.LittleEndian.AppendUint32(b, uint32(s))
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		return n, fmt.Errorf("write zip: %w", err)
	}
	return n, nil
}

// update updates an entry's CRC-32 and uncompressed size.
func (e *entry) update(p []byte) {
	e.crc = crc32.Update(e.crc, crc32.IEEETable, p)
	e.size += uint64(len(p))
}
