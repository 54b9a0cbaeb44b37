package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"pocbot/bot"
	"pocbot/store"
)

// timeNow is the clock of `pocbot digest`; tests fix it.
var timeNow = time.Now

// runDigest is `pocbot digest --print [--date YYYY-MM-DD]`: the daily
// digest rendered as plain text from the database, with no Slack at all.
// While the bot runs, the bot renders it (admin socket); the text is the
// same.
func runDigest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if code, ok := viaBot(ctx, getenv, "digest", args, stdout, stderr); ok {
		return code
	}
	// The digest never talks to Slack: stand-in tokens keep LoadConfig's
	// token checks quiet, and real tokens are not even read.
	cfg, err := LoadConfig(func(k string) string {
		switch k {
		case "SLACK_BOT_TOKEN":
			return "xoxb-unused-by-digest-print"
		case "SLACK_APP_TOKEN":
			return "xapp-unused-by-digest-print"
		}
		return getenv(k)
	})
	if err != nil {
		fmt.Fprintf(stderr, "pocbot digest:\n%v\n", err)
		return 2
	}
	return printDigest(ctx, args, cfg.Location, timeNow(), func(day, asOf time.Time) (string, bool) {
		clock := func() time.Time { return asOf }
		if err := mustExist(cfg.DB); err != nil {
			fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
			return "", false
		}
		db, err := store.Open(cfg.DB, store.Options{Now: clock})
		if err != nil {
			fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
			return "", false
		}
		defer db.Close()
		bc := cfg.botConfig()
		bc.Ops.OutboxInterval = time.Hour // never started: no Run
		b, err := bot.New(bc, db, newLogger(stderr, slog.LevelWarn))
		if err != nil {
			fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
			return "", false
		}
		b.Now = clock
		text, err := b.DigestText(ctx, day)
		if err != nil {
			fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
			return "", false
		}
		return text, true
	}, stdout, stderr)
}

// liveDigest is digest inside the running bot (admin socket), on its clock.
func (m *Main) liveDigest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	b := m.ops.bot.Load()
	return printDigest(ctx, args, m.Config.Location, b.Now(), func(day, _ time.Time) (string, bool) {
		text, err := b.DigestText(ctx, day)
		if err != nil {
			fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
			return "", false
		}
		return text, true
	}, stdout, stderr)
}

// printDigest parses the arguments, works out the day (and the moment it
// is shown as of: a past day as of its end) and prints render's text.
func printDigest(ctx context.Context, args []string, loc *time.Location, now time.Time, render func(day, asOf time.Time) (string, bool), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pocbot digest", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // one line of our own, not flag's list of defaults
	printFlag := fs.Bool("print", false, "print the digest as plain text to stdout")
	date := fs.String("date", "", "the digest's day, YYYY-MM-DD (default today in POCBOT_TZ)")
	const usage = "usage: pocbot digest --print [--date YYYY-MM-DD]   (today in POCBOT_TZ without --date)"
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "pocbot digest: %v; %s\n", err, usage)
		return 2
	}
	if !*printFlag || fs.NArg() > 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	asOf := now
	day := asOf.In(loc)
	if *date != "" {
		d, err := time.ParseInLocation("2006-01-02", *date, loc)
		if err != nil {
			fmt.Fprintf(stderr, "pocbot digest: --date %q is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30.\n", *date)
			return 2
		}
		day = d
		// A past day is shown as of its last moment.
		if end := d.AddDate(0, 0, 1).Add(-time.Nanosecond); end.Before(asOf) {
			asOf = end
		}
	}
	text, ok := render(day, asOf)
	if !ok {
		return 1
	}
	fmt.Fprint(stdout, text)
	return 0
}
