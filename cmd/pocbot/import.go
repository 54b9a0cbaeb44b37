package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot"
	"pocbot/store"
	"pocbot/store/sheet"
)

const importUsage = `usage: pocbot import creators|pitches FILE [--dry-run] [--rejected OUT.csv] [--by NAME]
  FILE is CSV or XLSX; the first row names the columns (README: "Importing a spreadsheet").
  --dry-run     check only: show what would change and every rejected row, write nothing
  --rejected    also write the rejected rows as CSV (line, reason, the row) to OUT.csv
  --by          who the audit log names as importer (default cli:$USER)
Owners and pitchers given by Slack handle or e-mail are looked up in Slack when
SLACK_BOT_TOKEN is set; member IDs (U…) work offline. Needs the bot stopped.`

// runImportCmd is `pocbot import creators|pitches FILE`: the spreadsheet
// import of /creator import, for an operator, with a progress bar.
func runImportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, importUsage)
		return 2
	}
	kind, ok := sheet.ParseKind(args[0])
	if !ok {
		fmt.Fprintf(stderr, "pocbot import: %q is not what a sheet holds; say creators or pitches.\n%s\n", args[0], importUsage)
		return 2
	}
	fs := flag.NewFlagSet("pocbot import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dry := fs.Bool("dry-run", false, "check only, write nothing")
	rejected := fs.String("rejected", "", "write the rejected rows as CSV to this file")
	by := fs.String("by", "", "importer named in the audit log")
	// Flags may come before or after FILE.
	var file string
	rest := args[1:]
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		rest = fs.Args()
		if len(rest) > 0 {
			if file != "" {
				fmt.Fprintf(stderr, "pocbot import: one file at a time (got %q and %q)\n", file, rest[0])
				return 2
			}
			file, rest = rest[0], rest[1:]
		}
	}
	if file == "" {
		fmt.Fprintln(stderr, importUsage)
		return 2
	}
	env := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	loc, err := time.LoadLocation(env("POCBOT_TZ", "Asia/Jakarta"))
	if err != nil {
		fmt.Fprintf(stderr, "pocbot import: POCBOT_TZ: %v\n", err)
		return 2
	}
	if *by == "" {
		*by = "cli"
		if u, err := user.Current(); err == nil && u.Username != "" {
			*by = "cli:" + u.Username
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot import: %v\n", err)
		return 1
	}
	t, err := sheet.Read(bytes.NewReader(data))
	if err != nil {
		fmt.Fprintf(stderr, "pocbot import: %s: %v\n", file, err)
		return 1
	}
	resolve, err := cliTeammates(ctx, getenv, sheet.UserRefs(t, kind))
	if err != nil {
		fmt.Fprintf(stderr, "pocbot import: looking up teammates in Slack: %v\n", err)
		return 1
	}
	p, err := sheet.Parse(t, kind, resolve, loc)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot import: %s: %v.\n", file, err)
		return 1
	}
	path := env("POCBOT_DB", "./pocbot.db")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !*dry {
		// A team may import its sheet before the bot's first start.
		fmt.Fprintf(stderr, "pocbot import: no database at %s yet; creating it.\n", path)
	} else if err := mustExist(path); err != nil {
		fmt.Fprintf(stderr, "pocbot import: %v\n", err)
		return 1
	}
	db, code := openOffline(path, "import", "/creator import", stderr)
	if db == nil {
		return code
	}
	defer db.Close()

	run := func(opt store.ImportOptions) (*store.ImportResult, error) {
		opt.File = filepath.Base(file)
		if kind == sheet.Pitches {
			return db.ImportPitchRows(ctx, *by, p.Pitches, opt)
		}
		return db.ImportCreatorRows(ctx, *by, p.Creators, opt)
	}
	check, err := run(store.ImportOptions{DryRun: true})
	if err != nil {
		fmt.Fprintf(stderr, "pocbot import: %v\n", err)
		return 1
	}
	bad := sheet.AllBad(p, check)
	one, many := "creator", "creators"
	if kind == sheet.Pitches {
		one, many = "past pitch", "past pitches"
	}
	newC := ""
	if check.NewCreators > 0 {
		newC = fmt.Sprintf(" (and %d new %s)", check.NewCreators, pick(check.NewCreators == 1, "creator", "creators"))
	}
	fmt.Fprintf(stdout, "%s: %d rows: %d new %s%s, %d updated, %d unchanged, %d rejected.\n",
		file, p.Total, check.Created, pick(check.Created == 1, one, many), newC, check.Updated, check.Unchanged, len(bad))
	if p.Hint != "" {
		fmt.Fprintln(stdout, strings.Replace(p.Hint, "open /creator import again and choose Past pitches", "run pocbot import pitches", 1))
	}
	if len(p.Unused) > 0 {
		fmt.Fprintf(stdout, "Columns not imported (no matching field): %s\n", strings.Join(p.Unused, ", "))
	}
	for _, b := range bad {
		fmt.Fprintf(stdout, "  line %d: %s\n", b.Line, b.Reason)
	}
	if ref := unlookedUp(getenv, t, kind); ref != "" {
		// Without a token "not a teammate" would be a guess: say why.
		fmt.Fprintf(stdout, "SLACK_BOT_TOKEN is not set, so teammates named by handle, name or e-mail (like %q) cannot be looked up in Slack. "+
			"Set SLACK_BOT_TOKEN to the bot's token, or write member IDs (U…), and run this again.\n", ref)
	}
	if *rejected != "" && len(bad) > 0 {
		var buf bytes.Buffer
		if err := sheet.WriteRejected(&buf, t, bad); err == nil {
			err = os.WriteFile(*rejected, buf.Bytes(), 0o600)
		}
		if err != nil {
			fmt.Fprintf(stderr, "pocbot import: --rejected: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "Rejected rows written to %s.\n", *rejected)
	}
	if *dry {
		fmt.Fprintln(stdout, "Dry run: nothing was written.")
		return 0
	}
	if check.Changed() == 0 {
		fmt.Fprintln(stdout, "Nothing to import: every good row is already in pocbot as the file has it.")
		return 0
	}
	bar := &progressBar{w: stderr, label: "Importing"}
	res, err := run(store.ImportOptions{Progress: bar.update})
	bar.done()
	if err != nil {
		fmt.Fprintf(stderr, "pocbot import: %v (rows already imported stay; run it again to import the rest)\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Import #%d: %d created, %d updated, %d unchanged, %d rejected.\n",
		res.ID, res.Created, res.Updated, res.Unchanged, len(sheet.AllBad(p, res)))
	return 0
}

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

// unlookedUp returns the first teammate cell of t that only Slack could
// resolve (a handle, name or e-mail), when there is no token to ask it.
func unlookedUp(getenv func(string) string, t *sheet.Table, kind sheet.Kind) string {
	if strings.TrimSpace(getenv("SLACK_BOT_TOKEN")) != "" {
		return ""
	}
	offline, _ := cliTeammates(context.Background(), func(string) string { return "" }, nil)
	for _, ref := range sheet.UserRefs(t, kind) {
		if _, ok := offline(ref); !ok {
			return ref
		}
	}
	return ""
}

// cliTeammates resolves teammates through Slack when SLACK_BOT_TOKEN is
// set; otherwise only member IDs are known.
func cliTeammates(ctx context.Context, getenv func(string) string, refs []string) (sheet.Resolver, error) {
	token := strings.TrimSpace(getenv("SLACK_BOT_TOKEN"))
	offline := func(ref string) (string, bool) {
		s := strings.TrimSpace(ref)
		if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
			s, _, _ = strings.Cut(strings.Trim(s, "<@>"), "|")
			s = strings.ToUpper(s)
		}
		return s, isUserID(s) // IDs in capitals, as Slack shows them: "u2" is a handle
	}
	if token == "" {
		return offline, nil
	}
	api := getenv("SLACK_API_URL")
	if api == "" {
		api = "https://slack.com/api/"
	}
	if !strings.HasSuffix(api, "/") {
		api += "/"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	r, err := bot.Teammates(ctx, slack.New(token, slack.OptionAPIURL(api), slack.OptionRetry(3)), refs)
	if err != nil {
		return nil, err
	}
	return func(ref string) (string, bool) {
		if id, ok := r(ref); ok {
			return id, true
		}
		return offline(ref)
	}, nil
}

// openOffline opens the database for a command-line tool, which needs the
// bot stopped: bbolt lets one process at a time open the file.
// Callers check that the file exists first (mustExist) where they must not
// create it.
func openOffline(path, tool, slackWay string, stderr io.Writer) (*store.DB, int) {
	db, err := store.Open(path, store.Options{LockTimeout: time.Second})
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintf(stderr, "pocbot %s: %s is in use by the running bot. Stop the bot and run this again, "+
			"or use %s in Slack, which works while the bot runs.\n", tool, path, slackWay)
		return nil, 1
	} else if err != nil {
		fmt.Fprintf(stderr, "pocbot %s: %v\n", tool, err)
		return nil, 1
	}
	return db, 0
}

// progressBar draws "Importing [########------------]  40%  20000/50000"
// on one line, redrawn at most every 100 ms.
type progressBar struct {
	w     io.Writer
	label string
	last  time.Time
	drawn bool
}

func (p *progressBar) update(done, total int) {
	if done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := width
	pct := 100
	if total > 0 {
		filled, pct = done*width/total, done*100/total
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %3d%%  %d/%d rows", p.label, strings.Repeat("#", filled), strings.Repeat("-", width-filled), pct, done, total)
	p.drawn = true
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
