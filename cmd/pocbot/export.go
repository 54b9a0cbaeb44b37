package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"pocbot/store"
)

// runExport is "pocbot export vouchers [--campaign X] [--from D] [--to D]":
// the CSV of /voucher export, written to stdout. bbolt lets one process at
// a time open the file, so it needs the bot stopped.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	const usage = "usage: pocbot export vouchers [--campaign NAME] [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (CSV on stdout; --to is inclusive)"
	if len(args) > 0 && (args[0] == "pitches" || args[0] == "issues" || args[0] == "tasks") {
		return runWorkExport(ctx, args, getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "vouchers" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("pocbot export vouchers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	campaign := fs.String("campaign", "", "only this campaign")
	fromS := fs.String("from", "", "first issue day, YYYY-MM-DD")
	toS := fs.String("to", "", "last issue day (inclusive), YYYY-MM-DD")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pocbot export vouchers: unexpected %q\n%s\n", fs.Args(), usage)
		return 2
	}
	cfg, err := loadSettings(getenv, "POCBOT_DB", "POCBOT_TZ", "POCBOT_CURRENCY")
	if err != nil {
		fmt.Fprintf(stderr, "pocbot export:\n%v\n", err)
		return 2
	}
	loc, cur := cfg.Location, cfg.Currency
	f := store.VoucherFilter{Campaign: *campaign}
	for _, d := range []struct {
		name, v string
		dst     *time.Time
		add     int
	}{{"--from", *fromS, &f.From, 0}, {"--to", *toS, &f.To, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.v, loc)
		if err != nil {
			fmt.Fprintf(stderr, "pocbot export: %s %q is not a date; use YYYY-MM-DD.\n", d.name, d.v)
			return 2
		}
		*d.dst = t.AddDate(0, 0, d.add)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fmt.Fprintf(stderr, "pocbot export: --from %s is after --to %s; give the first day, then the last.\n", *fromS, *toS)
		return 2
	}
	path := cfg.DB
	if err := mustExist(path); err != nil {
		fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		return 1
	}
	db, err := store.Open(path, store.Options{LockTimeout: time.Second})
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintf(stderr, "pocbot export: %s is in use by the running bot. Stop the bot and run this again, "+
			"or use /voucher export in Slack, which works while the bot runs.\n", path)
		return 1
	} else if err != nil {
		fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		return 1
	}
	defer db.Close()
	if f.Campaign != "" {
		if _, err := db.Campaign(ctx, f.Campaign); err != nil {
			fmt.Fprintf(stderr, "pocbot export: %s\n", store.ErrorMessage(err))
			return 1
		}
	}
	vs, err := db.Vouchers(ctx, f)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot export: %s\n", store.ErrorMessage(err))
		if store.ErrorCode(err) == store.Internal {
			fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		}
		return 1
	}
	w := bufio.NewWriter(stdout)
	if err := store.WriteVoucherCSV(w, vs, cur, loc); err != nil {
		fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		return 1
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "pocbot export: %v\n", err)
		return 1
	}
	noun := "vouchers"
	if len(vs) == 1 {
		noun = "voucher"
	}
	fmt.Fprintf(stderr, "pocbot export: %d %s\n", len(vs), noun)
	return 0
}
