package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"pocbot/bot"
)

// The admin socket: a Unix socket next to the database (mode 0600, owned
// by the bot's user; connections from other users are refused by their
// peer credentials). The command-line tools (backup, export, digest,
// check) find the running bot through it and have it do the work inside
// its own process, so they work the same whether the bot runs or not.
//
// Protocol: HTTP over the socket. POST /v1/run with {"cmd":…,"args":[…]}
// answers a stream of frames: one byte (o = stdout, e = stderr, x = exit
// code), a 4-byte big-endian length, the data. GET /v1/ping answers the
// bot's pid and version. /debug/pprof/ is there when POCBOT_PPROF=on.

// maxSocketPath is the longest path a Unix socket address holds (108
// bytes on Linux, with the terminating NUL).
const maxSocketPath = 107

// defaultAdminSocket is <db>.sock, or, when that path is too long for a
// socket address, a name derived from it in the temporary directory.
func defaultAdminSocket(dbPath string) string {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		abs = dbPath
	}
	p := abs + ".sock"
	if len(p) <= maxSocketPath {
		return p
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(os.TempDir(), "pocbot-"+hex.EncodeToString(sum[:8])+".sock")
}

// adminSocketFor is the admin socket the tools look for, from the same
// settings the bot reads (POCBOT_ADMIN_SOCKET, else next to POCBOT_DB).
func adminSocketFor(getenv func(string) string) string {
	cfg, _ := loadSettings(getenv, "POCBOT_DB", "POCBOT_ADMIN_SOCKET") // both parse anything
	return cfg.Serve.AdminSocket
}

// adminCommands are what the socket runs: the tools' own code, given the
// live database and bot.
var adminCommands = map[string]func(m *Main, ctx context.Context, args []string, stdout, stderr io.Writer) int{
	"backup": (*Main).liveBackup,
	"export": (*Main).liveExport,
	"digest": (*Main).liveDigest,
	"check":  (*Main).liveCheck,
}

// listenAdmin opens the admin socket. A socket file left by a bot that
// died is removed; one that answers means another bot runs (which the
// database lock has normally already reported).
func listenAdmin(path string) (net.Listener, error) {
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("POCBOT_ADMIN_SOCKET %s is longer than %d bytes, too long for a Unix socket; set a shorter path", path, maxSocketPath)
	}
	if _, err := os.Lstat(path); err == nil {
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("admin socket %s is in use by another pocbot; stop it, or set POCBOT_ADMIN_SOCKET", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove stale admin socket %s: %w", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket (POCBOT_ADMIN_SOCKET) %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	return &peerCheckListener{Listener: ln}, nil
}

// peerCheckListener accepts only connections from the bot's own user or
// root (mode 0600 already says so; this holds where a file system ignores
// socket modes).
type peerCheckListener struct{ net.Listener }

func (l *peerCheckListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if uid, ok := peerUID(c); !ok || uid == 0 || uid == uint32(os.Getuid()) {
			return c, nil
		}
		c.Close()
	}
}

// adminHandler is the socket's HTTP handler.
func (m *Main) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"pid": os.Getpid(), "db": m.Config.DB, "version": readBuildInfo().String()})
	})
	mux.HandleFunc("POST /v1/run", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Cmd  string   `json:"cmd"`
			Args []string `json:"args"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		f, ok := adminCommands[req.Cmd]
		if !ok {
			http.Error(w, "unknown command "+req.Cmd, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/x-pocbot-frames")
		fw := &frameWriter{w: bufio.NewWriterSize(w, 64<<10), flush: w.(http.Flusher)}
		m.Logger.Info("admin socket command", "cmd", req.Cmd, "args", req.Args)
		code := f(m, r.Context(), req.Args, fw.stream('o'), fw.stream('e'))
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(code))
		_ = fw.frame('x', b[:])
		_ = fw.w.Flush()
	})
	if m.Config.Serve.PProf {
		h := m.opsHandler(true)
		mux.Handle("/debug/pprof/", h)
	}
	return mux
}

// frameWriter multiplexes stdout, stderr and the exit code on one stream.
type frameWriter struct {
	mu    sync.Mutex
	w     *bufio.Writer
	flush http.Flusher
	err   error
}

func (f *frameWriter) frame(kind byte, p []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	var hdr [5]byte
	hdr[0] = kind
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(p)))
	if _, err := f.w.Write(hdr[:]); err != nil {
		f.err = err
		return err
	}
	if _, err := f.w.Write(p); err != nil {
		f.err = err
		return err
	}
	if kind == 'e' { // messages show up as they happen
		f.err = f.w.Flush()
		f.flush.Flush()
	}
	return f.err
}

type streamWriter struct {
	f    *frameWriter
	kind byte
}

func (s streamWriter) Write(p []byte) (int, error) {
	for off := 0; off < len(p); off += 1 << 20 {
		end := min(off+1<<20, len(p))
		if err := s.f.frame(s.kind, p[off:end]); err != nil {
			return off, err
		}
	}
	return len(p), nil
}

func (f *frameWriter) stream(kind byte) io.Writer { return streamWriter{f: f, kind: kind} }

// errNoBot means no bot answers on the admin socket: run offline.
var errNoBot = errors.New("no running bot")

// adminClient returns an HTTP client for the socket at path, or errNoBot
// if nothing listens there.
func adminClient(path string) (*http.Client, error) {
	if path == "" {
		return nil, errNoBot
	}
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
			return nil, errNoBot
		}
		if errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EACCES) {
			return nil, fmt.Errorf("the running bot's admin socket %s is not yours (permission denied): run this as the bot's user, e.g. sudo -u pocbot pocbot …", path)
		}
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	c.Close()
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
		DisableKeepAlives: true,
	}}, nil
}

// viaBot runs cmd inside the running bot if one answers on the admin
// socket, copying its output to stdout and stderr. ok is false when no bot
// runs (the caller works offline). out, if set, receives stdout instead.
func viaBot(ctx context.Context, getenv func(string) string, cmd string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	path := adminSocketFor(getenv)
	hc, err := adminClient(path)
	if errors.Is(err, errNoBot) {
		return 0, false
	} else if err != nil {
		fmt.Fprintf(stderr, "pocbot %s: %v\n", cmd, err)
		return 1, true
	}
	body, _ := json.Marshal(map[string]any{"cmd": cmd, "args": args})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://pocbot/v1/run", bytes.NewReader(body))
	resp, err := hc.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot %s: the running bot did not answer on %s: %v\n", cmd, path, err)
		return 1, true
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		fmt.Fprintf(stderr, "pocbot %s: the running bot refused: %s %s\n", cmd, resp.Status, strings.TrimSpace(string(msg)))
		return 1, true
	}
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	var hdr [5]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			fmt.Fprintf(stderr, "pocbot %s: the running bot stopped answering (%v); the command may not have finished\n", cmd, err)
			return 1, true
		}
		n := binary.BigEndian.Uint32(hdr[1:])
		switch hdr[0] {
		case 'o', 'e':
			w := stdout
			if hdr[0] == 'e' {
				w = stderr
			}
			if _, err := io.CopyN(w, r, int64(n)); err != nil {
				fmt.Fprintf(stderr, "pocbot %s: %v\n", cmd, err)
				return 1, true
			}
		case 'x':
			var b [4]byte
			if n != 4 {
				return 1, true
			}
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return 1, true
			}
			return int(int32(binary.BigEndian.Uint32(b[:]))), true
		default:
			fmt.Fprintf(stderr, "pocbot %s: garbled answer from the running bot\n", cmd)
			return 1, true
		}
	}
}

// runningBot returns the pid of the bot answering on the admin socket, or
// 0 and errNoBot.
func runningBot(getenv func(string) string) (int, error) {
	hc, err := adminClient(adminSocketFor(getenv))
	if err != nil {
		return 0, err
	}
	resp, err := hc.Get("http://pocbot/v1/ping")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var p struct {
		PID int `json:"pid"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&p)
	return p.PID, nil
}

// opsState is Main's operations state: the bot for the HTTP handlers and
// the addresses actually listened on.
type opsState struct {
	bot      atomic.Pointer[bot.Bot]
	httpAddr string
	ready    readyCache
}

// readyCache runs at most one readiness check at a time and reuses a
// result for a second, so a busy prober cannot load the database.
type readyCache struct {
	mu   sync.Mutex
	at   time.Time
	last bot.Readiness
}

func (m *Main) readiness(ctx context.Context) bot.Readiness {
	c := &m.ops.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < time.Second {
		return c.last
	}
	c.last, c.at = m.ops.bot.Load().Ready(ctx), time.Now()
	return c.last
}

// HTTPAddr is the address /healthz, /readyz and /metrics listen on ("" if
// off); with port 0 it has the port chosen.
func (m *Main) HTTPAddr() string { return m.ops.httpAddr }
