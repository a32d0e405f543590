// Command dumpmap builds a real Go map[int64]int64 and writes its bucket array, as Go's runtime laid it
// out, to a file that panamap's conformance test reads with panamap's own layout code.
//
// It relies on the classic bucket map of Go 1.19 to 1.23 (runtime/map.go); Go 1.24 replaced it with
// Swiss tables, so the program refuses to run there.
//
// Usage: dumpmap <entries> <output file>
//
//	dumpmap growth <entries> <hint>...
//
// The second form prints where Go's runtime grows a map[int64]int64: "grow <n> <B>" for each insert n (of the
// same keys, 1..entries, into make(map[int64]int64)) after which the map's B has changed, then "hint <hint>
// <B>" for the B of make(map[int64]int64, hint). Growth starts depend on the entry count only, not on hashes.
//
// Keys are i*0x9E3779B97F4A7C15 for i = 1..entries, each mapped to key*31+7, so the reader knows what to
// expect. The dump format (all integers little-endian uint64):
//
//	magic "GOBMAP01", B, count, bucket size (144), buckets in the dump (n)
//	then n buckets of 144 bytes: the 2^B head buckets in index order, then every overflow bucket in
//	chain order; in each, the overflow pointer (the last 8 bytes) is replaced by the dump index of the
//	next bucket of its chain plus one (0 ends the chain).
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

// hmap mirrors the header of a Go 1.19 map (runtime/map.go).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      unsafe.Pointer
}

const bucketSize = 144     // tophash[8] + 8 int64 keys + 8 int64 values + overflow pointer
const overflowOffset = 136 // where the overflow pointer sits in a bucket

func main() {
	if strings.HasPrefix(runtime.Version(), "go1.") {
		minor, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(runtime.Version(), "go1."), ".", 2)[0])
		if minor >= 24 {
			fail("Go " + runtime.Version() + " uses Swiss tables, not the classic bucket map")
		}
	}
	if len(os.Args) >= 3 && os.Args[1] == "growth" {
		growth(positive(os.Args[2]), os.Args[3:])
		return
	}
	if len(os.Args) != 3 {
		fail("usage: dumpmap <entries> <output file> | dumpmap growth <entries> <hint>...")
	}
	entries := positive(os.Args[1])
	m := make(map[int64]int64)
	for i := 1; i <= entries; i++ {
		key := int64(uint64(i) * 0x9E3779B97F4A7C15)
		m[key] = key*31 + 7
	}
	h := *(**hmap)(unsafe.Pointer(&m))
	// A growth may still be under way: every assignment evacuates a little more (Go's growWork).
	for h.oldbuckets != nil {
		for key, value := range m {
			m[key] = value
		}
	}
	if h.count != entries {
		fail(fmt.Sprintf("hmap says %d entries, %d were put", h.count, entries))
	}

	heads := 1 << h.B
	var dump []unsafe.Pointer
	for i := 0; i < heads; i++ {
		dump = append(dump, unsafe.Add(h.buckets, i*bucketSize))
	}
	// Overflow buckets, chain by chain, each after the ones before it in the dump.
	next := make(map[unsafe.Pointer]int) // bucket -> dump index of its successor, plus one
	for i := 0; i < heads; i++ {
		for b := dump[i]; ; {
			overflow := *(*unsafe.Pointer)(unsafe.Add(b, overflowOffset))
			if overflow == nil {
				break
			}
			dump = append(dump, overflow)
			next[b] = len(dump) // index of overflow + 1
			b = overflow
		}
	}

	out, err := os.Create(os.Args[2])
	if err != nil {
		fail(err.Error())
	}
	defer out.Close()
	header := make([]byte, 40)
	copy(header, "GOBMAP01")
	binary.LittleEndian.PutUint64(header[8:], uint64(h.B))
	binary.LittleEndian.PutUint64(header[16:], uint64(h.count))
	binary.LittleEndian.PutUint64(header[24:], bucketSize)
	binary.LittleEndian.PutUint64(header[32:], uint64(len(dump)))
	write(out, header)
	for _, b := range dump {
		bucket := make([]byte, bucketSize)
		copy(bucket, unsafe.Slice((*byte)(b), bucketSize))
		binary.LittleEndian.PutUint64(bucket[overflowOffset:], uint64(next[b]))
		write(out, bucket)
	}
	runtime.KeepAlive(m)
	fmt.Printf("dumped B=%d count=%d buckets=%d overflow=%d\n", h.B, h.count, len(dump), len(dump)-heads)
}

// growth prints the inserts after which Go's runtime changed B, then the B that each hint makes.
func growth(entries int, hints []string) {
	m := make(map[int64]int64)
	h := *(**hmap)(unsafe.Pointer(&m))
	b := h.B
	for i := 1; i <= entries; i++ {
		key := int64(uint64(i) * 0x9E3779B97F4A7C15)
		m[key] = key*31 + 7
		if h.B != b {
			b = h.B
			fmt.Printf("grow %d %d\n", i, b)
		}
	}
	runtime.KeepAlive(m)
	for _, arg := range hints {
		hint, err := strconv.Atoi(arg)
		if err != nil || hint < 0 {
			fail("a hint must be a number >= 0: " + arg)
		}
		sized := make(map[int64]int64, hint)
		fmt.Printf("hint %d %d\n", hint, (*(**hmap)(unsafe.Pointer(&sized))).B)
		runtime.KeepAlive(sized)
	}
}

func positive(arg string) int {
	n, err := strconv.Atoi(arg)
	if err != nil || n <= 0 {
		fail("entries must be a positive number")
	}
	return n
}

func write(out *os.File, bytes []byte) {
	if _, err := out.Write(bytes); err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "dumpmap: "+message)
	os.Exit(1)
}
