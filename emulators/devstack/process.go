package devstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/orgexport/orgexport/emulators/procstat"
)

// process is a child process in its own process group, with its output in
// a log file, that dies with the stack.
type process struct {
	name     string
	cmd      *exec.Cmd
	log      string
	done     chan struct{}
	stopping atomic.Bool
}

func startProcess(name, logDir string, env []string, bin string, args ...string) (*process, error) {
	logPath := filepath.Join(logDir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	// Its own group, and SIGKILL if this process dies first. Pdeathsig
	// fires when the thread that forked the child ends, not the process:
	// fork from a locked thread that lives until the child has exited (the
	// goroutine returns locked, which retires the thread only then).
	// Forked from any thread instead, the child died with whatever later
	// locked and retired that thread (another stack's emulator stopping),
	// and its front door answered 503.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			f.Close()
			started <- err
			return
		}
		started <- nil
		err := cmd.Wait()
		f.Close()
		close(p.done)
		if !p.stopping.Load() {
			// Nothing stopped it: say so where a failing test's output
			// shows it, with the end of its log, since every later call
			// through its front door answers 503.
			fmt.Fprintf(os.Stderr, "devstack: %s exited unexpectedly (%v); the end of %s:\n%s\n", name, err, logPath, tail(logPath))
		}
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// waitPort waits until addr accepts connections, the process exits, or the
// timeout passes.
func (p *process) waitPort(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done: // exited (its port taken?) before anything answered
			return fmt.Errorf("%s exited at start; see %s:\n%s", p.name, p.log, tail(p.log))
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited at start; see %s:\n%s", p.name, p.log, tail(p.log))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer on %s within %s; see %s", p.name, addr, timeout, p.log)
}

func (p *process) stop() error {
	if p == nil || p.cmd.Process == nil {
		return nil
	}
	p.stopping.Store(true)
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		return errors.New(p.name + " did not stop on SIGTERM; killed")
	}
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Usage is what a function process has used since it started.
type Usage struct {
	// PeakRSS is the peak resident set (VmHWM), in bytes.
	PeakRSS int64
	// CPU is the user and system time the process has used.
	CPU time.Duration
}

// Usage returns each running function process's usage, as Linux counts it
// in /proc/PID/status and /proc/PID/stat.
func (s *Stack) Usage() map[string]Usage {
	out := map[string]Usage{}
	for name, p := range s.functions {
		if p == nil || p.cmd.Process == nil {
			continue
		}
		rss, err := procstat.PeakRSS(p.cmd.Process.Pid)
		if err != nil {
			continue
		}
		cpu, err := procstat.CPU(p.cmd.Process.Pid)
		if err != nil {
			continue
		}
		out[name] = Usage{PeakRSS: rss, CPU: cpu}
	}
	return out
}
