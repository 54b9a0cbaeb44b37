// Command pocload measures pocbot as its users would feel it, on this
// machine, next to peers measured in the same run: a closed loop of slash
// commands (each simulated user sends its next /pitch when the reply to
// the last one has arrived) against
//
//   - floor: a bare slack-go Socket Mode bot that acks and replies, no work;
//   - bolt:  Slack's Bolt for JS doing the same, when node and npm are
//     installed (npm installs it at run time into a cache directory);
//   - pocbot: the real bot, every reply after a durable commit.
//
// Each bot runs in its own process against its own fake Slack (started
// here), and the bots take turns in a different order every round, so
// machine noise hits all alike. It prints replies per second, reply and
// ack latency, and each bot process's peak RSS, with ratios to the floor.
//
// Usage:
//
//	go run ./cmd/pocload [-n 2000] [-c 32] [-rounds 3] [-bots floor,bolt,pocbot] [-profile DIR] [-short]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"pocbot/bot/fakeslack"
)

func main() {
	if serveMode() {
		return
	}
	opt, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return // the usage is printed
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "pocload:", err)
		os.Exit(2)
	}
	ok, err := run(context.Background(), opt, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pocload:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

type options struct {
	n, c, rounds int
	bots         []string
	profile      string // directory for pocbot's pprof files
	before       string // a pocload binary built from an older pocbot, measured as bot "before"
	quiet        bool   // no per-round lines
}

var botNames = map[string]string{
	"floor":  "floor (slack-go, no work)",
	"bolt":   "Bolt for JS (no work)",
	"pocbot": "pocbot",
	"before": "pocbot before (-before)",
}

func parseFlags(args []string) (options, error) {
	fl := flag.NewFlagSet("pocload", flag.ContinueOnError)
	n := fl.Int("n", 2000, "slash commands per bot per round")
	c := fl.Int("c", 32, "commands in flight (simulated users, each waiting for its reply)")
	rounds := fl.Int("rounds", 3, "rounds; the bots' order rotates every round")
	bots := fl.String("bots", "floor,bolt,pocbot", "bots to measure, comma-separated: floor, bolt, pocbot")
	profile := fl.String("profile", "", "write pocbot's CPU, mutex and block profiles (last round) to this directory")
	before := fl.String("before", "", "also measure, as bot \"before\", the pocbot of this pocload binary (built from an older commit)")
	short := fl.Bool("short", false, "a few seconds: -n 200 -c 8 -rounds 1 -bots floor,pocbot")
	if err := fl.Parse(args); err != nil {
		return options{}, err
	}
	if *short {
		*n, *c, *rounds, *bots = 200, 8, 1, "floor,pocbot"
	}
	o := options{n: *n, c: *c, rounds: *rounds, profile: *profile, before: *before}
	if o.n < 1 || o.n > 1_000_000 || o.c < 1 || o.c > 1000 || o.rounds < 1 || o.rounds > 100 {
		return o, fmt.Errorf("-n must be 1..1000000, -c 1..1000 and -rounds 1..100")
	}
	for _, b := range strings.Split(*bots, ",") {
		b = strings.TrimSpace(b)
		if _, ok := botNames[b]; !ok {
			return o, fmt.Errorf("unknown bot %q in -bots: use floor, bolt or pocbot", b)
		}
		if b == "before" && o.before == "" {
			return o, fmt.Errorf("bot before needs -before BINARY")
		}
		if !slices.Contains(o.bots, b) {
			o.bots = append(o.bots, b)
		}
	}
	if o.before != "" && !slices.Contains(o.bots, "before") {
		o.bots = append(o.bots, "before")
	}
	return o, nil
}

// sample is one bot's figures in one round.
type sample struct {
	replies []time.Duration // command sent → reply arrived
	acks    []time.Duration // envelope written → ack read (the fake's clock)
	wall    time.Duration   // first command sent → last reply arrived
	rssKiB  int64           // peak RSS of the bot process (VmHWM)
	cpu     time.Duration   // CPU time (user+system) of the bot process during the measured load
	fakeCPU time.Duration   // CPU time of this process (fake Slack and users) during it
	bad     int             // replies that do not say the pitch was logged
}

// run measures and prints; ok is false if a bot failed to answer every
// command or a target comparison could not be made.
func run(ctx context.Context, o options, out io.Writer) (ok bool, err error) {
	fmt.Fprintf(out, "pocload: %d × /pitch @load.N lipstick per bot per round, %d in flight (closed loop), %d round(s)\n", o.n, o.c, o.rounds)
	fmt.Fprintf(out, "machine: %d CPUs, GOMAXPROCS %d, %s %s/%s; %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(),
		runtime.GOOS, runtime.GOARCH, loadAverage())
	bots := slices.Clone(o.bots)
	if i := slices.Index(bots, "bolt"); i >= 0 {
		dir, version, err := prepareBolt(ctx)
		if err != nil {
			fmt.Fprintf(out, "bolt: skipped: %v\n", err)
			bots = slices.Delete(bots, i, i+1)
		} else {
			boltDir = dir
			botNames["bolt"] = fmt.Sprintf("Bolt for JS %s (no work)", version)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp("", "pocload-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	all := map[string][]sample{}
	ok = true
	for r := range o.rounds {
		order := slices.Concat(bots[r%len(bots):], bots[:r%len(bots)])
		for _, name := range order {
			profile := ""
			if name == "pocbot" && o.profile != "" && r == o.rounds-1 {
				profile = o.profile
			}
			s, err := measure(ctx, self, name, filepath.Join(tmp, fmt.Sprintf("%s-r%d.db", name, r)), profile, o)
			if err != nil {
				return false, fmt.Errorf("round %d, %s: %w", r+1, name, err)
			}
			if len(s.replies) < o.n || s.bad > 0 {
				ok = false
			}
			all[name] = append(all[name], s)
			if !o.quiet {
				fmt.Fprintf(out, "round %d %-8s %5d replies in %7s = %6.0f/s  reply p50 %s p99 %s  ack p99 %s  peak RSS %.1f MiB  CPU/reply: bot %s, fake %s\n",
					r+1, name, len(s.replies), s.wall.Round(time.Millisecond), rate(len(s.replies), s.wall),
					ms(pctl(s.replies, 50)), ms(pctl(s.replies, 99)), ms(pctl(s.acks, 99)), mib(s.rssKiB),
					perReply(s.cpu, len(s.replies)), perReply(s.fakeCPU, len(s.replies)))
			}
		}
	}
	report(out, bots, all, o)
	for _, name := range bots {
		for _, s := range all[name] {
			if len(s.replies) < o.n {
				fmt.Fprintf(out, "FAILED: %s answered %d of %d commands in a round\n", name, len(s.replies), o.n)
			}
			if s.bad > 0 {
				fmt.Fprintf(out, "FAILED: %s gave %d replies that do not confirm the pitch\n", name, s.bad)
			}
		}
	}
	return ok, nil
}

// figures pools a bot's rounds: latencies together, throughput as all
// replies over all wall time, RSS as the highest peak.
type figures struct {
	rate                     float64
	p50, p99, ackP50, ackP99 time.Duration
	rssKiB                   int64
	cpu, fakeCPU             string // per reply
}

func pool(ss []sample) figures {
	var replies, acks []time.Duration
	var wall, cpu, fakeCPU time.Duration
	var f figures
	for _, s := range ss {
		cpu += s.cpu
		fakeCPU += s.fakeCPU
		replies = append(replies, s.replies...)
		acks = append(acks, s.acks...)
		wall += s.wall
		f.rssKiB = max(f.rssKiB, s.rssKiB)
	}
	f.rate = rate(len(replies), wall)
	f.cpu, f.fakeCPU = perReply(cpu, len(replies)), perReply(fakeCPU, len(replies))
	f.p50, f.p99 = pctl(replies, 50), pctl(replies, 99)
	f.ackP50, f.ackP99 = pctl(acks, 50), pctl(acks, 99)
	return f
}

func report(out io.Writer, bots []string, all map[string][]sample, o options) {
	fmt.Fprintf(out, "\n%-32s %10s %20s %10s %10s %12s %14s %14s\n", "all rounds", "replies/s", "reply p50 / p99", "ack p50", "ack p99", "peak RSS",
		"bot CPU/reply", "fake CPU/reply")
	figs := map[string]figures{}
	for _, name := range bots {
		f := pool(all[name])
		figs[name] = f
		fmt.Fprintf(out, "%-32s %10.0f %20s %10s %10s %8.1f MiB %14s %14s\n", botNames[name], f.rate,
			ms(f.p50)+" / "+ms(f.p99), ms(f.ackP50), ms(f.ackP99), mib(f.rssKiB), f.cpu, f.fakeCPU)
	}
	floor, hasFloor := figs["floor"]
	pb, hasPocbot := figs["pocbot"]
	if !hasFloor || !hasPocbot {
		return
	}
	fmt.Fprintf(out, "\npocbot / floor: replies/s %.2f×, reply p50 %.1f×, reply p99 %.1f×, ack p99 %.2f×, peak RSS %.1f×\n",
		pb.rate/floor.rate, ratio(pb.p50, floor.p50), ratio(pb.p99, floor.p99), ratio(pb.ackP99, floor.ackP99),
		float64(pb.rssKiB)/float64(max(floor.rssKiB, 1)))
	if bolt, ok := figs["bolt"]; ok {
		fmt.Fprintf(out, "Bolt / floor:   replies/s %.2f×, reply p50 %.1f×, reply p99 %.1f×, ack p99 %.2f×, peak RSS %.1f×\n",
			bolt.rate/floor.rate, ratio(bolt.p50, floor.p50), ratio(bolt.p99, floor.p99), ratio(bolt.ackP99, floor.ackP99),
			float64(bolt.rssKiB)/float64(max(floor.rssKiB, 1)))
		fmt.Fprintf(out, "pocbot / Bolt:  replies/s %.2f×, reply p99 %.2f×, peak RSS %.2f×\n",
			pb.rate/bolt.rate, ratio(pb.p99, bolt.p99), float64(pb.rssKiB)/float64(max(bolt.rssKiB, 1)))
	}
	if before, ok := figs["before"]; ok {
		fmt.Fprintf(out, "pocbot / before: replies/s %.2f×, reply p50 %.2f×, reply p99 %.2f×, ack p99 %.2f×, peak RSS %.2f×, bot CPU/reply %s → %s\n",
			pb.rate/before.rate, ratio(pb.p50, before.p50), ratio(pb.p99, before.p99), ratio(pb.ackP99, before.ackP99),
			float64(pb.rssKiB)/float64(max(before.rssKiB, 1)), before.cpu, pb.cpu)
	}
	check := func(name string, got, limit float64, higherIsBetter bool) {
		met := got <= limit
		if higherIsBetter {
			met = got >= limit
		}
		verdict := "met"
		if !met {
			verdict = "MISSED"
		}
		cmp := "≤"
		if higherIsBetter {
			cmp = "≥"
		}
		fmt.Fprintf(out, "  %-34s %5.2f× (target %s %.1f×) %s\n", name, got, cmp, limit, verdict)
	}
	fmt.Fprintln(out, "targets (pocbot against the floor, same run):")
	check("replies per second", pb.rate/floor.rate, 0.5, true)
	check("reply p99", ratio(pb.p99, floor.p99), 3, false)
	check("ack p99", ratio(pb.ackP99, floor.ackP99), 1.5, false)
	check("peak RSS", float64(pb.rssKiB)/float64(max(floor.rssKiB, 1)), 2.5, false)
	if o.n < 2000 || o.c != 32 || o.rounds < 3 {
		fmt.Fprintln(out, "  (the targets are defined for -n 2000 -c 32 -rounds 3; this run is smaller)")
	}
}

// measure starts bot name in its own process against a fresh fake Slack,
// warms it up, runs the closed loop and stops it.
func measure(ctx context.Context, self, name, dbPath, profile string, o options) (sample, error) {
	w := newWaiters()
	fs := fakeslack.New(fakeslack.Options{PingInterval: 30 * time.Second, OnResponse: w.arrived})
	defer fs.Close()
	env := append(os.Environ(), envAPI+"="+fs.APIURL(), "SLACK_BOT_TOKEN="+fakeslack.BotToken, "SLACK_APP_TOKEN="+fakeslack.AppToken)
	var cmd *exec.Cmd
	switch name {
	case "bolt":
		cmd = exec.Command("node", filepath.Join(boltDir, "app.js"))
		cmd.Dir = boltDir
	case "before":
		cmd = exec.Command(o.before)
		env = append(env, envServe+"=pocbot", envDB+"="+dbPath)
	default:
		cmd = exec.Command(self)
		env = append(env, envServe+"="+name, envDB+"="+dbPath)
		if profile != "" {
			env = append(env, envProfile+"="+profile)
		}
	}
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &limitWriter{w: &stderr, n: 4096}
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	defer stop()

	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	connected := make(chan error, 1)
	go func() { connected <- fs.WaitConnected(cctx, 1) }()
	select {
	case err := <-connected:
		if err != nil {
			return sample{}, fmt.Errorf("bot did not connect: %v %s", err, stderr.String())
		}
	case err := <-exited:
		stopped = true
		return sample{}, fmt.Errorf("bot exited before connecting: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	// Warm up (JIT, connection pools, caches) alike for every bot.
	warm := max(20, o.n/20)
	if _, err := closedLoop(ctx, fs, w, "warm", warm, min(o.c, 8)); err != nil {
		return sample{}, err
	}
	cpu0, self0 := procCPU(cmd.Process.Pid), selfCPU()
	s, err := closedLoop(ctx, fs, w, "load", o.n, o.c)
	if err != nil {
		return s, err
	}
	s.cpu, s.fakeCPU = procCPU(cmd.Process.Pid)-cpu0, selfCPU()-self0
	s.rssKiB = peakRSS(cmd.Process.Pid)
	for _, c := range fs.Calls("response_url") {
		if !strings.HasPrefix(c.Params["text"], "Logged pitch") {
			s.bad++
		}
	}
	stop()
	return s, nil
}

// closedLoop sends n commands from c users, each sending its next command
// when its last one has been answered.
func closedLoop(ctx context.Context, fs *fakeslack.Server, w *waiters, prefix string, n, c int) (sample, error) {
	var (
		mu    sync.Mutex
		s     sample
		next  atomic.Int64
		first error
		last  time.Time
		wg    sync.WaitGroup
	)
	start := time.Now()
	for u := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fs.User(fmt.Sprintf("ULOAD%03d", u))
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				sent := time.Now()
				r, err := user.Command(ctx, "CLOAD", "/pitch", fmt.Sprintf("@%s.%d lipstick", prefix, i))
				var at time.Time
				if err == nil {
					at, err = w.wait(ctx, r.ResponseURL, 30*time.Second)
				}
				mu.Lock()
				if err != nil {
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				s.acks = append(s.acks, r.Ack.Latency)
				s.replies = append(s.replies, at.Sub(sent))
				if at.After(last) {
					last = at
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	s.wall = last.Sub(start)
	return s, first
}

// waiters matches replies (posts to a response URL, reported by the fake)
// to the commands that issued them.
type waiters struct {
	mu      sync.Mutex
	arrival map[string]time.Time
	waiting map[string]chan time.Time
}

func newWaiters() *waiters {
	return &waiters{arrival: map[string]time.Time{}, waiting: map[string]chan time.Time{}}
}

func (w *waiters) arrived(url string, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ch, ok := w.waiting[url]; ok {
		delete(w.waiting, url)
		ch <- at
		return
	}
	if _, seen := w.arrival[url]; !seen {
		w.arrival[url] = at
	}
}

func (w *waiters) wait(ctx context.Context, url string, timeout time.Duration) (time.Time, error) {
	w.mu.Lock()
	if at, ok := w.arrival[url]; ok {
		delete(w.arrival, url)
		w.mu.Unlock()
		return at, nil
	}
	ch := make(chan time.Time, 1)
	w.waiting[url] = ch
	w.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case at := <-ch:
		return at, nil
	case <-t.C:
		return time.Time{}, fmt.Errorf("no reply within %s", timeout)
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
}

// procCPU reads the user+system CPU time of a process from /proc.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

// selfCPU is this process's user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS reads the process's peak resident set size (VmHWM) in KiB.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.ParseInt(f[0], 10, 64)
				return v
			}
		}
	}
	return 0
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "load average unknown"
	}
	return "load average " + strings.Join(f[:3], " ")
}

type limitWriter struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		_, _ = l.w.Write(p[:k])
	}
	return len(p), nil
}

func pctl(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func perReply(d time.Duration, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(n)/float64(time.Microsecond))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(kib int64) float64 { return float64(kib) / 1024 }
