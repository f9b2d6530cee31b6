package gcloud

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// process is one running emulator JVM in its own process group.
type process struct {
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the JVM has exited
	waitErr error         // valid after exited is closed
	logPath string
	tempLog bool // the log is ours to remove on Stop
}

// startProcess runs name with args in a new process group whose leader
// receives SIGKILL when the calling process dies. Output goes to a log file.
func startProcess(name string, args []string, logDir, logPrefix string) (*process, error) {
	log, temp, err := openLog(logDir, logPrefix)
	if err != nil {
		return nil, err
	}
	defer log.Close() // the child holds its own descriptor
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &process{cmd: cmd, exited: make(chan struct{}), logPath: log.Name(), tempLog: temp}
	started := make(chan error, 1)
	// Pdeathsig fires when the thread that forked the child ends, not the
	// process, so fork from a locked thread that lives until the child has
	// exited. The goroutine returns locked, which retires the thread only
	// then.
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("run %s: %w", name, err)
	}
	return p, nil
}

func openLog(dir, prefix string) (*os.File, bool, error) {
	temp := dir == ""
	if temp {
		dir = os.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, fmt.Errorf("emulator log dir: %w", err)
	}
	f, err := os.CreateTemp(dir, prefix+"-*.log")
	if err != nil {
		return nil, false, fmt.Errorf("emulator log: %w", err)
	}
	return f, temp, nil
}

// Pid is the JVM's process id, which is also its process group id.
func (p *process) pid() int { return p.cmd.Process.Pid }

// waitReady polls ready until it succeeds, the JVM exits, or ctx ends.
func (p *process) waitReady(ctx context.Context, ready func(context.Context) bool) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		ok := ready(pctx)
		cancel()
		if ok {
			return nil
		}
		if line := p.fatalLine(); line != "" {
			// The Pub/Sub emulator logs a failed bind but does not exit.
			return fmt.Errorf("emulator failed: %s; log %s:\n%s", line, p.logPath, p.logTail(15))
		}
		select {
		case <-p.exited:
			return fmt.Errorf("emulator exited before answering (%v); log %s:\n%s", p.waitErr, p.logPath, p.logTail(15))
		case <-ctx.Done():
			return fmt.Errorf("emulator did not answer: %w; log %s:\n%s", ctx.Err(), p.logPath, p.logTail(15))
		case <-tick.C:
		}
	}
}

// stop ends the whole process group: SIGTERM, then SIGKILL after the grace
// period. It removes a temporary log unless keepLog.
func (p *process) stop(keepLog bool) error {
	pgid := p.pid()
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
	}
	// Anything the JVM started is in its group too: kill what is left.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.exited
	if p.tempLog && !keepLog {
		_ = os.Remove(p.logPath)
	}
	return nil
}

// fatalLine returns the line where the JVM's main thread died, if it did.
func (p *process) fatalLine() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	const marker = "Exception in thread \"main\""
	i := bytes.Index(b, []byte(marker))
	if i < 0 {
		return ""
	}
	line, _, _ := bytes.Cut(b[i:], []byte("\n"))
	return string(line)
}

// logTail returns the last n lines of the log.
func (p *process) logTail(n int) string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(log unreadable: " + err.Error() + ")"
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + string(bytes.Join(lines, []byte("\n  ")))
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before the emulator binds it; the caller retries then.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func hostPort(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// portInUse reports whether the emulator's failure to start looks like a
// lost race for its port.
func portInUse(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Address already in use") || strings.Contains(s, "BindException")
}
