package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"pocbot/store"
)

// runExport is "pocbot export vouchers [--campaign X] [--from D] [--to D]":
// the CSV of /voucher export, written to stdout. While the bot runs it does
// the work through the admin socket (bbolt lets one process at a time open
// the file); stopped, it reads the file itself. The output is the same.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if isWorkExport(args) && slices.Contains(args, "xlsx") && isTerminal(stdout) {
		fmt.Fprintf(stderr, "pocbot export: an xlsx file is binary and stdout is a terminal here; redirect it: pocbot export %s > %s.xlsx\n", strings.Join(args, " "), args[0])
		return 2
	}
	if code, ok := viaBot(ctx, getenv, "export", args, stdout, stderr); ok {
		return code
	}
	if isWorkExport(args) {
		return runWorkExport(ctx, args, getenv, stdout, stderr)
	}
	cfg, err := loadSettings(getenv, "POCBOT_DB", "POCBOT_TZ", "POCBOT_CURRENCY")
	if err != nil {
		fmt.Fprintf(stderr, "pocbot export:\n%v\n", err)
		return 2
	}
	path := cfg.DB
	return exportVouchers(ctx, args, cfg.Location, cfg.Currency, func() (*store.DB, func(), bool) {
		if err := mustExist(path); err != nil {
			fmt.Fprintf(stderr, "pocbot export: %v\n", err)
			return nil, nil, false
		}
		db, err := store.Open(path, store.Options{LockTimeout: time.Second})
		if errors.Is(err, store.ErrLocked) {
			fmt.Fprintf(stderr, "pocbot export: %s is in use by a pocbot that does not answer on its admin socket (%s). Stop that bot and run this again, "+
				"or use /voucher export in Slack.\n", path, adminSocketFor(getenv))
			return nil, nil, false
		} else if err != nil {
			fmt.Fprintf(stderr, "pocbot export: %v\n", err)
			return nil, nil, false
		}
		return db, func() { db.Close() }, true
	}, stdout, stderr)
}

// liveExport is export inside the running bot (admin socket).
func (m *Main) liveExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if isWorkExport(args) {
		return writeWorkExport(ctx, m.Bot, args, stdout, stderr)
	}
	return exportVouchers(ctx, args, m.Config.Location, m.Config.Currency, func() (*store.DB, func(), bool) {
		return m.DB, func() {}, true
	}, stdout, stderr)
}

// exportVouchers parses the arguments, opens the database with open (which
// reports its own errors) and writes the CSV.
func exportVouchers(ctx context.Context, args []string, loc *time.Location, cur store.Currency, open func() (*store.DB, func(), bool), stdout, stderr io.Writer) int {
	const usage = "usage: pocbot export vouchers [--campaign NAME] [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (CSV on stdout; --to is inclusive)\n" +
		"   or: pocbot export pitches|issues|tasks [period] [filters] [xlsx]   (the file of /pitch|/issue|/task export)"
	if len(args) == 0 || args[0] != "vouchers" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("pocbot export vouchers", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // our usage below, not flag's list of defaults
	campaign := fs.String("campaign", "", "only this campaign")
	fromS := fs.String("from", "", "first issue day, YYYY-MM-DD")
	toS := fs.String("to", "", "last issue day (inclusive), YYYY-MM-DD")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "pocbot export vouchers: %v\n%s\n", err, usage)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pocbot export vouchers: unexpected %q\n%s\n", fs.Args(), usage)
		return 2
	}
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
	db, closeDB, ok := open()
	if !ok {
		return 1
	}
	defer closeDB()
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

// isTerminal tells whether w is a terminal (a binary file written there
// would be garbage on the screen).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull) // a character device too, and fine to write to
	return err != nil || !os.SameFile(fi, null)
}
