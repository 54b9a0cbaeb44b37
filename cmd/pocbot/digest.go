package main

import (
	"context"
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
func runDigest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pocbot digest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	printFlag := fs.Bool("print", false, "print the digest as plain text to stdout")
	date := fs.String("date", "", "the digest's day, YYYY-MM-DD (default today in POCBOT_TZ)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !*printFlag || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: pocbot digest --print [--date YYYY-MM-DD]")
		return 2
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
	asOf := timeNow()
	day := asOf.In(cfg.Location)
	if *date != "" {
		d, err := time.ParseInLocation("2006-01-02", *date, cfg.Location)
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
	clock := func() time.Time { return asOf }
	if err := mustExist(cfg.DB); err != nil {
		fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
		return 1
	}
	db, err := store.Open(cfg.DB, store.Options{Now: clock})
	if err != nil {
		fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
		return 1
	}
	defer db.Close()
	b, err := bot.New(cfg.botConfig(), db, newLogger(stderr, slog.LevelWarn))
	if err != nil {
		fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
		return 1
	}
	b.Now = clock
	text, err := b.DigestText(ctx, day)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot digest: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, text)
	return 0
}
