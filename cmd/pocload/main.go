// Command pocload measures pocbot under load, on this machine, against the
// project's fake Slack: it starts the fake and the real bot in-process (a
// fresh database in a temporary directory), fires slash commands from many
// simulated users at once, and reports ack latency, reply latency and
// throughput. The same load against a bare slack-go client that only acks
// is the baseline, so the figures are ratios measured in the same run.
//
// Usage:
//
//	go run ./cmd/pocload [-n 2000] [-c 20]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

func main() {
	n := flag.Int("n", 2000, "slash commands to send")
	c := flag.Int("c", 20, "simulated users sending at once")
	flag.Parse()
	if *n < 1 || *c < 1 || *n > 1_000_000 || *c > 1000 {
		fmt.Fprintln(os.Stderr, "pocload: -n must be 1..1000000 and -c 1..1000")
		os.Exit(2)
	}
	base, err := runBaseline(*n, *c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pocload: baseline:", err)
		os.Exit(1)
	}
	pb, err := runPocbot(*n, *c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pocload: pocbot:", err)
		os.Exit(1)
	}
	fmt.Printf("pocload: %d /pitch commands (each logs a new creator durably), %d users at once\n\n", *n, *c)
	fmt.Printf("%-28s %10s %10s %10s %18s %10s\n", "", "ack p50", "ack p99", "ack max", "answered", "acks/s")
	base.print("baseline (bare ack client)")
	pb.print("pocbot")
	fmt.Printf("\nratio pocbot/baseline: ack p50 ×%.1f, ack p99 ×%.1f, ack throughput ×%.2f\n",
		ratio(pb.ackP(50), base.ackP(50)), ratio(pb.ackP(99), base.ackP(99)), pb.rate/base.rate)
	if pb.done < *n {
		fmt.Fprintf(os.Stderr, "pocload: only %d of %d commands were answered\n", pb.done, *n)
		os.Exit(1)
	}
	fmt.Printf("pocbot stored and answered all %d commands at %.0f commands/s end to end\n", pb.done, float64(pb.done)/pb.all.Seconds())
}

type result struct {
	acks []time.Duration
	rate float64       // acked commands per second
	all  time.Duration // until every command was stored and answered
	done int           // commands answered
}

func countReplies(fs *fakeslack.Server) int {
	n := 0
	for _, m := range fs.Messages() {
		if m.Kind == "response" {
			n++
		}
	}
	return n
}

func pctl(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func (r result) ackP(p int) time.Duration { return pctl(r.acks, p) }

func (r result) print(name string) {
	reply := "-"
	if r.done > 0 {
		reply = fmt.Sprintf("%d in %s", r.done, r.all.Round(time.Millisecond))
	}
	fmt.Printf("%-28s %10s %10s %10s %18s %10.0f\n", name, r.ackP(50).Round(time.Microsecond), r.ackP(99).Round(time.Microsecond),
		pctl(r.acks, 100).Round(time.Microsecond), reply, r.rate)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// fire sends n commands from c users at once and collects ack latencies.
func fire(fs *fakeslack.Server, n, c int, wantReply bool) (result, error) {
	var (
		mu      sync.Mutex
		res     result
		next    atomic.Int64
		firstEr error
		wg      sync.WaitGroup
	)
	ctx := context.Background()
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			u := fs.User(fmt.Sprintf("ULOAD%d", w))
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				r, err := u.Command(ctx, "CLOAD", "/pitch", fmt.Sprintf("@load.%d Serum", i))
				if err != nil {
					mu.Lock()
					firstEr = err
					mu.Unlock()
					return
				}
				mu.Lock()
				res.acks = append(res.acks, r.Ack.Latency)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	res.rate = float64(len(res.acks)) / time.Since(start).Seconds()
	if wantReply && firstEr == nil {
		// Every command is stored and answered: wait for all n replies.
		deadline := time.Now().Add(2 * time.Minute)
		for countReplies(fs) < n && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		res.all = time.Since(start)
		res.done = countReplies(fs)
	}
	return res, firstEr
}

func runBaseline(n, c int) (result, error) {
	fs := fakeslack.New(fakeslack.Options{PingInterval: 2 * time.Second})
	defer fs.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fakeslack.RunAckOnlyClient(ctx, fs)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fs.WaitConnected(wctx, 1); err != nil {
		return result{}, err
	}
	return fire(fs, n, c, false)
}

func runPocbot(n, c int) (result, error) {
	fs := fakeslack.New(fakeslack.Options{PingInterval: 2 * time.Second})
	defer fs.Close()
	dir, err := os.MkdirTemp("", "pocload")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(filepath.Join(dir, "load.db"), store.Options{})
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := bot.New(bot.Config{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: fs.APIURL(),
		Location: time.UTC}, db, log)
	if err != nil {
		return result{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fs.WaitConnected(wctx, 1); err != nil {
		return result{}, err
	}
	return fire(fs, n, c, true)
}
