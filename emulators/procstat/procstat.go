// Package procstat reads what Linux counts of a process's memory and CPU
// in /proc: the figures the load drivers and benchmarks report for the
// functions (issues 5 and 21).
package procstat

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Self is the pid that names the calling process.
func Self() int { return os.Getpid() }

// PeakRSS is the process's peak resident set (VmHWM), in bytes: since it
// started, or since ResetPeak.
func PeakRSS(pid int) (int64, error) { return status(pid, "VmHWM:") }

// RSS is the process's resident set now (VmRSS), in bytes.
func RSS(pid int) (int64, error) { return status(pid, "VmRSS:") }

// ResetPeak makes Linux count the peak resident set afresh, from the
// resident set now (5 written to clear_refs). Only the process's owner may.
func ResetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// CPU is the user and system time the process has used (fields 14 and 15
// of /proc/PID/stat, in clock ticks of 1/100 s on Linux).
func CPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	end := strings.LastIndexByte(string(b), ')')
	if end < 0 || end+2 > len(b) {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[end+2:])) // f[0] is field 3
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// status reads a size field ("VmHWM:", "VmRSS:") of /proc/PID/status.
func status(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/status %s %w", pid, field, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no " + strings.TrimSuffix(field, ":") + " in /proc/" + strconv.Itoa(pid) + "/status")
}
