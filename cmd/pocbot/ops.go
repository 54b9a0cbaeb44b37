package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// opsConfig is the operations part of Config: the health and metrics
// listener, pprof and the admin socket.
type opsConfig struct {
	HTTPAddr    string // "" = off
	PProf       bool
	AdminSocket string // "" = off
}

// defaultHTTPAddr is POCBOT_HTTP_ADDR's default: loopback only.
const defaultHTTPAddr = "127.0.0.1:9102"

// The operations settings join the settings table (after the rows of
// config.go, in this order).
func init() {
	settings = append(settings,
		setting{Name: "POCBOT_HTTP_ADDR", Default: defaultHTTPAddr, Range: "host:port, or off",
			Help: "where /healthz, /readyz and /metrics listen; a non-loopback address (:9102) only if set so (pprof then stays on the admin socket)",
			parse: func(c *Config, v string) error {
				if strings.EqualFold(v, "off") {
					c.Serve.HTTPAddr = ""
					return nil
				}
				host, port, err := net.SplitHostPort(v)
				n, perr := strconv.Atoi(port)
				if err != nil || perr != nil || n < 0 || n > 65535 || strings.ContainsAny(host, " /") {
					return cfgErr("POCBOT_HTTP_ADDR %q is not host:port; use %s (the default), :9102 for every interface, or off.", v, defaultHTTPAddr)
				}
				c.Serve.HTTPAddr = v
				return nil
			}},
		setting{Name: "POCBOT_PPROF", Default: "off", Range: "on, off",
			Help: "serve net/http/pprof under /debug/pprof/ on the admin socket, and on POCBOT_HTTP_ADDR if that is loopback",
			parse: func(c *Config, v string) error {
				switch strings.ToLower(v) {
				case "on", "true", "1":
					c.Serve.PProf = true
				case "off", "false", "0":
					c.Serve.PProf = false
				default:
					return cfgErr("POCBOT_PPROF must be on or off.")
				}
				return nil
			}},
		setting{Name: "POCBOT_ADMIN_SOCKET", Shown: "<db>.sock", Range: "file path, or off",
			Help: "Unix socket (mode 0600) through which pocbot backup, export, digest and check work while the bot runs",
			parse: func(c *Config, v string) error {
				switch {
				case strings.EqualFold(v, "off"):
					c.Serve.AdminSocket = ""
				case v == "":
					c.Serve.AdminSocket = defaultAdminSocket(c.DB)
				default:
					c.Serve.AdminSocket = v
				}
				return nil
			}},
		setting{Name: "POCBOT_ADMIN_GROUP", Range: "user group ID (S…)",
			Help: "members of this Slack user group are admins too (read with usergroups.users.list every 10 minutes; needs usergroups:read)",
			parse: func(c *Config, v string) error {
				if v != "" && (len(v) < 3 || len(v) > 20 || v[0] != 'S' || !isUpperAlnum(v[1:])) {
					return cfgErr("POCBOT_ADMIN_GROUP %q is not a user group ID; use the ID like S0614TZR7 (the group's page → ⋮ → Copy group ID), not its @handle.", v)
				}
				c.Config.Ops.AdminGroup = v
				return nil
			}},
	)
}

// isLoopback reports whether addr (host:port) listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listenOps opens POCBOT_HTTP_ADDR. A port in use is a start-up error that
// names the setting.
func listenOps(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("POCBOT_HTTP_ADDR %s is already in use (another pocbot, or another program on that port): stop it, or set POCBOT_HTTP_ADDR to a free port (like 127.0.0.1:9103) or off", addr)
	} else if err != nil {
		return nil, fmt.Errorf("POCBOT_HTTP_ADDR %s: %w", addr, err)
	}
	return ln, nil
}

// opsHandler serves /healthz, /readyz and /metrics (and pprof when
// allowed). It answers 503 until the bot is built.
func (m *Main) opsHandler(withPProf bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b := m.ops.bot.Load()
		if b == nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]any{"ready": false, "checks": map[string]any{"startup": map[string]any{"ok": false, "detail": "starting"}}})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		rd := m.readiness(ctx)
		if !rd.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rd)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		b := m.ops.bot.Load()
		if b == nil {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		promhttp.HandlerFor(b.Metrics(), promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}).ServeHTTP(w, r)
	})
	if withPProf {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// serveOps serves h on ln until ctx ends.
func (m *Main) serveOps(ctx context.Context, ln net.Listener, h http.Handler, what string) func() {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error(what+" stopped", "err", err)
		}
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}
}

// buildInfo describes this binary from the Go build info: module version,
// VCS revision and time.
type buildInfo struct {
	Version, Revision, Time, GoVersion string
	Modified                           bool
}

// buildRevision is set with -ldflags "-X main.buildRevision=…" where the
// build has no VCS information (the Dockerfile).
var buildRevision = ""

func readBuildInfo() buildInfo {
	bi := buildInfo{Version: "(devel)", Revision: "unknown", GoVersion: "unknown"}
	if buildRevision != "" {
		bi.Revision = buildRevision
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return bi
	}
	bi.GoVersion = info.GoVersion
	if v := info.Main.Version; v != "" {
		bi.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Revision = s.Value
		case "vcs.time":
			bi.Time = s.Value
		case "vcs.modified":
			bi.Modified = s.Value == "true"
		}
	}
	return bi
}

func (bi buildInfo) String() string {
	s := "pocbot " + bi.Version + ", revision " + bi.Revision
	if bi.Modified {
		s += " (modified)"
	}
	if bi.Time != "" {
		s += ", committed " + bi.Time
	}
	return s + ", built with " + bi.GoVersion
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: pocbot version")
		return 2
	}
	fmt.Fprintln(stdout, readBuildInfo())
	return 0
}

// registerBuildInfo adds pocbot_build_info{version,revision,goversion} 1.
func registerBuildInfo(reg prometheus.Registerer) {
	bi := readBuildInfo()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "pocbot_build_info", Help: "Always 1; the labels describe the binary.",
		ConstLabels: prometheus.Labels{"version": bi.Version, "revision": bi.Revision, "goversion": bi.GoVersion}})
	g.Set(1)
	_ = reg.Register(g)
}

// startOps opens POCBOT_HTTP_ADDR before anything else, so a port in use
// stops the start at once.
func (m *Main) startOps(ctx context.Context) (func(), error) {
	addr := m.Config.Serve.HTTPAddr
	if addr == "" {
		return func() {}, nil
	}
	ln, err := listenOps(addr)
	if err != nil {
		return nil, err
	}
	m.ops.httpAddr = ln.Addr().String()
	loop := isLoopback(addr)
	if !loop {
		m.Logger.Warn("health and metrics listen beyond this machine; pprof stays on the admin socket", "addr", m.ops.httpAddr)
	}
	m.Logger.Info("health and metrics listening", "addr", m.ops.httpAddr, "pprof", m.Config.Serve.PProf && loop)
	return m.serveOps(ctx, ln, m.opsHandler(m.Config.Serve.PProf && loop), "health and metrics server"), nil
}

// startAdmin opens the admin socket once the database is open.
func (m *Main) startAdmin() (func(), error) {
	path := m.Config.Serve.AdminSocket
	if path == "" {
		return func() {}, nil
	}
	ln, err := listenAdmin(path)
	if err != nil {
		return nil, err
	}
	m.Logger.Info("admin socket listening", "path", path)
	return m.serveOps(context.Background(), ln, m.adminHandler(), "admin socket"), nil
}
