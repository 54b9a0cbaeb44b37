package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"pocbot/bot"
	"pocbot/store"
)

// secret is a token: it prints and logs as REDACTED.
type secret string

func (s secret) String() string               { return "REDACTED" }
func (s secret) LogValue() slog.Value         { return slog.StringValue("REDACTED") }
func (s secret) GoString() string             { return "REDACTED" }
func (s secret) MarshalText() ([]byte, error) { return []byte("REDACTED"), nil }

// Config is pocbot's configuration, read from the environment by the
// settings table. The bot's part is the embedded bot.Config; the tokens live
// outside it, as secrets, until botConfig hands them over.
type Config struct {
	BotToken secret
	AppToken secret
	DB       string
	LogLevel slog.Level
	Serve    opsConfig // health/metrics listener, pprof, admin socket (ops.go)
	bot.Config
}

// A setting is one environment variable. Its row in settings holds all
// there is to know about it: name, default, allowed range, help line and
// parser. LoadConfig, `pocbot -h` and README's table test all read the
// table, so adding a setting is adding a row (and, for a bot setting, its
// bot.Config field and bot.Defaults entry).
type setting struct {
	Name string
	// Default is the value an unset (or blank) variable takes, written as
	// one would type it; "" when unset means "none" or a derived value.
	Default string
	// Shown, if set, is what -h shows as the default instead of Default:
	// "(required)", "digest channel".
	Shown string
	Range string // the values allowed, for -h and README
	Help  string
	// parse checks v (trimmed, or Default when unset) and stores it in c.
	// Its error names the variable and says what to write instead.
	parse func(c *Config, v string) error
}

// ShownDefault is the default as -h and README show it.
func (s setting) ShownDefault() string {
	if s.Shown != "" {
		return s.Shown
	}
	if s.Default == "" {
		return "(none)"
	}
	return s.Default
}

// idrVoucherMax is POCBOT_VOUCHER_MAX's default for IDR: Rp10.000.000, far
// above any sample, far below a typo's extra zeros.
const idrVoucherMax store.Money = 10_000_000

var botDefaults = bot.Defaults()

// settings is every setting, in the order LoadConfig reads them (a row may
// use the rows above it: the triage channel defaults to the digest channel).
var settings = []setting{
	{Name: "SLACK_BOT_TOKEN", Shown: "(required)", Range: "xoxb-…",
		Help:  "Bot User OAuth Token (app settings → OAuth & Permissions)",
		parse: token("SLACK_BOT_TOKEN", "xoxb-", "the Bot User OAuth Token from your app's OAuth & Permissions page (install the app to your workspace first)", func(c *Config) *secret { return &c.BotToken })},
	{Name: "SLACK_APP_TOKEN", Shown: "(required)", Range: "xapp-…",
		Help:  "App-level token with connections:write (app settings → Basic Information → App-Level Tokens)",
		parse: token("SLACK_APP_TOKEN", "xapp-", "an app-level token with the connections:write scope, from your app's Basic Information page → App-Level Tokens", func(c *Config) *secret { return &c.AppToken })},
	{Name: "SLACK_API_URL", Default: botDefaults.APIURL, Range: "http(s) URL",
		Help: "Web API base, also used for apps.connections.open (point it at a fake Slack for tests)",
		parse: func(c *Config, v string) error {
			if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return cfgErr("SLACK_API_URL %q is not an http(s) URL; leave it unset for the real Slack (%s).", v, botDefaults.APIURL)
			}
			if !strings.HasSuffix(v, "/") {
				v += "/"
			}
			c.APIURL = v
			return nil
		}},
	{Name: "POCBOT_DB", Default: "./pocbot.db", Range: "file path",
		Help:  "bbolt database file (created 0600)",
		parse: func(c *Config, v string) error { c.DB = v; return nil }},
	{Name: "POCBOT_TZ", Default: "Asia/Jakarta", Range: "IANA zone name",
		Help: "time zone for schedules, days and every time shown",
		parse: func(c *Config, v string) error {
			loc, err := time.LoadLocation(v)
			if err != nil || v == "Local" {
				return cfgErr("POCBOT_TZ %q is not an IANA time zone name; use one like Asia/Jakarta, Asia/Makassar or Europe/London.", v)
			}
			c.Location = loc
			return nil
		}},
	{Name: "POCBOT_DIGEST_CHANNEL", Range: "channel ID (C…, G…)",
		Help:  "channel for the daily digest",
		parse: channel("POCBOT_DIGEST_CHANNEL", func(c *Config) *string { return &c.DigestChannel })},
	{Name: "POCBOT_TRIAGE_CHANNEL", Shown: "digest channel", Range: "channel ID (C…, G…)",
		Help: "channel where creator issues are triaged",
		parse: func(c *Config, v string) error {
			if v == "" {
				v = c.DigestChannel
			}
			return channel("POCBOT_TRIAGE_CHANNEL", func(c *Config) *string { return &c.TriageChannel })(c, v)
		}},
	{Name: "POCBOT_DIGEST_CRON", Default: botDefaults.DigestCron, Range: "cron schedule",
		Help:  "digest schedule; 5 fields, optional leading seconds, or @every 5s / @daily",
		parse: schedule("POCBOT_DIGEST_CRON", "Use 5 cron fields such as \"0 9 * * *\" (09:00 every day), optionally with a leading seconds field, or a descriptor such as \"@every 5s\".", func(c *Config) *string { return &c.DigestCron })},
	{Name: "POCBOT_BACKUP_CRON", Default: "30 2 * * *", Range: "cron schedule or off",
		Help: "hot backup schedule (\"off\" disables)",
		parse: func(c *Config, v string) error {
			if strings.EqualFold(v, "off") {
				c.BackupCron = ""
				return nil
			}
			return schedule("POCBOT_BACKUP_CRON", "use cron fields like \"30 2 * * *\" or \"off\".", func(c *Config) *string { return &c.BackupCron })(c, v)
		}},
	{Name: "POCBOT_BACKUP_DIR", Shown: "<db dir>/backups", Range: "directory",
		Help: fmt.Sprintf("where scheduled backups go; the newest %d are kept", botDefaults.BackupKeep),
		parse: func(c *Config, v string) error {
			if v == "" {
				v = filepath.Join(filepath.Dir(c.DB), "backups")
			}
			c.BackupDir = v
			return nil
		}},
	{Name: "POCBOT_ADMINS", Range: "user IDs (U…, W…), comma-separated",
		Help: "Slack users allowed to set targets and budgets",
		parse: func(c *Config, v string) error {
			var errs []error
			for _, id := range strings.Split(v, ",") {
				id = strings.TrimSpace(id)
				if id == "" {
					continue
				}
				if !isUserID(id) {
					errs = append(errs, cfgErr("POCBOT_ADMINS has %q, which is not a Slack user ID; use IDs like U012AB3CD (profile → ⋮ → Copy member ID), separated by commas.", id))
					continue
				}
				c.Admins = append(c.Admins, id)
			}
			return errors.Join(errs...)
		}},
	{Name: "POCBOT_OUTSOURCE", Range: "user IDs (U…, W…), comma-separated",
		Help: "outsource members put on the /team roster at start (once each: a member an admin removes stays removed)",
		parse: func(c *Config, v string) error {
			var errs []error
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id == "" {
					continue
				}
				if !isUserID(id) {
					errs = append(errs, cfgErr("POCBOT_OUTSOURCE has %q, which is not a Slack user ID; use IDs like U012AB3CD, separated by commas.", id))
					continue
				}
				c.Outsource = append(c.Outsource, id)
			}
			return errors.Join(errs...)
		}},
	{Name: "POCBOT_PITCH_COOLDOWN", Default: formatDays(botDefaults.PitchCooldown), Range: "0d–365d, or hours like 72h",
		Help: "a creator pitched within this window counts as a duplicate",
		parse: func(c *Config, v string) (err error) {
			if c.PitchCooldown, err = parseDays(v); err != nil {
				return cfgErr("POCBOT_PITCH_COOLDOWN: %v", err)
			}
			return nil
		}},
	intSetting("POCBOT_FOLLOWUP_DAYS", botDefaults.FollowupDays, 1, 90, " of days",
		"an open pitch older than this many days needs a follow-up", func(c *Config) *int { return &c.FollowupDays }),
	{Name: "POCBOT_FOLLOWUP_CRON", Default: botDefaults.FollowupCron, Range: "cron schedule",
		Help:  "when each owner gets their one daily follow-up DM",
		parse: schedule("POCBOT_FOLLOWUP_CRON", "use cron fields like \"0 10 * * 1-5\".", func(c *Config) *string { return &c.FollowupCron })},
	{Name: "POCBOT_CURRENCY", Default: botDefaults.Currency.Code, Range: strings.Join(store.CurrencyCodes(), ", "),
		Help: "currency of voucher values and budgets",
		parse: func(c *Config, v string) (err error) {
			if c.Currency, err = store.CurrencyFor(v); err != nil {
				return cfgErr("POCBOT_CURRENCY: %s", store.ErrorMessage(err))
			}
			return nil
		}},
	intSetting("POCBOT_VOUCHER_DAYS", botDefaults.VoucherDays, 1, store.MaxVoucherDays, " of days",
		"a new voucher is valid until the end of the day this many days ahead", func(c *Config) *int { return &c.VoucherDays }),
	intSetting("POCBOT_VOUCHER_DAILY_CAP", 0, 0, 10000, "",
		"most vouchers one person may issue per day (0 = no cap)", func(c *Config) *int { return &c.VoucherDailyCap }),
	{Name: "POCBOT_VOUCHER_MAX", Shown: fmt.Sprintf("%d for IDR", idrVoucherMax), Range: "an amount (10jt), up to the currency's maximum",
		Help: "most one sample voucher may be worth, in POCBOT_CURRENCY; larger values are refused as typos (other currencies: no cap unless set)",
		parse: func(c *Config, v string) (err error) {
			if v == "" {
				if c.Currency.Code == "IDR" {
					c.VoucherMax = idrVoucherMax
				}
				return nil
			}
			if c.VoucherMax, err = store.ParseAmount(v, c.Currency); err != nil {
				return cfgErr("POCBOT_VOUCHER_MAX: %s It is the most one sample voucher may be worth, like 10000000 or 10jt.", store.ErrorMessage(err))
			}
			return nil
		}},
	intSetting("POCBOT_CONTENT_DAYS", botDefaults.ContentDays, 1, 90, " of days",
		"days a creator has to post content after the sample is delivered (after redemption when no delivery is recorded)", func(c *Config) *int { return &c.ContentDays }),
	remindDaysSetting(),
	{Name: "POCBOT_CONTENT_CRON", Default: botDefaults.ContentCron, Range: "cron schedule",
		Help:  "when owners get their daily content-reminder and deadline DM (never on days off)",
		parse: schedule("POCBOT_CONTENT_CRON", "use cron fields like \"0 10 * * *\" (10:00 every day; days off are skipped anyway).", func(c *Config) *string { return &c.ContentCron })},
	{Name: "POCBOT_CREATOR_LANG", Default: botDefaults.CreatorLang, Range: "id, en",
		Help: "language of the copy-ready messages for creators (voucher, content reminder); admins can replace them with /voucher template",
		parse: func(c *Config, v string) error {
			v = strings.ToLower(v)
			if v != "id" && v != "en" {
				return cfgErr("POCBOT_CREATOR_LANG must be id (Bahasa Indonesia) or en (English), not %q.", v)
			}
			c.CreatorLang = v
			return nil
		}},
	{Name: "POCBOT_SAMPLE_STRIKES", Default: fmt.Sprint(botDefaults.SampleStrikes), Range: "0–100",
		Help: "overdue samples (no content past the deadline) that flag a creator when someone issues them another voucher (0 = never flag)",
		parse: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 {
				return cfgErr("POCBOT_SAMPLE_STRIKES must be a whole number from 0 (never flag) to 100, like %d.", botDefaults.SampleStrikes)
			}
			c.SampleStrikes = n
			if n == 0 {
				c.SampleStrikes = -1 // the bot's "off"; its zero value means the default
			}
			return nil
		}},
	intSetting("POCBOT_DAILY_CAPACITY", botDefaults.DailyCapacity, 1, 10000, " of task units per working day",
		"task units one outsource member can do per working day; admins override per person with /task capacity", func(c *Config) *int { return &c.DailyCapacity }),
	{Name: "POCBOT_TASK_REMINDER", Default: botDefaults.TaskReminder, Range: "HH:MM, 00:00–23:59",
		Help: "local time of the daily task reminder DM (due today + overdue, one DM per person, working days only)",
		parse: func(c *Config, v string) error {
			if !isClock(v) {
				return cfgErr("POCBOT_TASK_REMINDER %q is not a time of day; use 24-hour HH:MM in POCBOT_TZ, like 15:00.", v)
			}
			c.TaskReminder = v
			return nil
		}},
	{Name: "POCBOT_SLA", Default: botDefaults.IssueSLA.String(), Range: fmt.Sprintf("P1–P4, each 1m–%s", store.FormatDuration(store.MaxSLA)),
		Help: "time allowed per creator-issue priority; list only the ones to change (e.g. P1=2h,P4=14d)",
		parse: func(c *Config, v string) (err error) {
			if c.IssueSLA, err = store.ParseSLAPolicy(v); err != nil {
				return cfgErr("POCBOT_SLA %q: %s Write it like %s; priorities you leave out keep their default.", v, store.ErrorMessage(err), botDefaults.IssueSLA)
			}
			return nil
		}},
	{Name: "POCBOT_SLA_HOURS", Default: "off", Range: "HH:MM-HH:MM, or off",
		Help: "working hours the issue SLA clock counts, on POCBOT_WORKDAYS minus holidays (off = wall clock, round the clock)",
		parse: func(c *Config, v string) (err error) {
			if c.SLAHours, err = store.ParseWorkHours(v); err != nil {
				return cfgErr("POCBOT_SLA_HOURS: %s Or write off for the wall clock.", store.ErrorMessage(err))
			}
			return nil
		}},
	intSetting("POCBOT_DIGEST_MENTIONS_MAX", 0, 0, 100, " of people",
		"the digest @mentions people when it lists at most this many (a small team); larger, or 0, shows names (an SLA breach's owner is mentioned either way)",
		func(c *Config) *int { return &c.DigestMentionsMax }),
	{Name: "POCBOT_NUDGE_CRON", Default: botDefaults.NudgeCron, Range: "cron schedule",
		Help:  "when people under half of a daily target get one friendly DM (never on days off)",
		parse: schedule("POCBOT_NUDGE_CRON", "use cron fields like \"0 15 * * *\" (15:00 every day; days off are skipped anyway).", func(c *Config) *string { return &c.NudgeCron })},
	{Name: "POCBOT_REPORT_CRON", Default: botDefaults.ReportCron, Range: "cron schedule",
		Help:  "when the weekly report with charts goes to the digest channel (default Mondays 09:00; it covers the week before)",
		parse: schedule("POCBOT_REPORT_CRON", "use cron fields like \"0 9 * * 1\" (Mondays at 09:00).", func(c *Config) *string { return &c.ReportCron })},
	{Name: "POCBOT_WORKDAYS", Default: formatWorkdays(botDefaults.Workdays), Range: "days and ranges: Mon-Sat, Mon,Wed,Fri",
		Help: "working days for targets, streaks, nudges and the digest (holidays: /target holiday add)",
		parse: func(c *Config, v string) (err error) {
			if c.Workdays, err = bot.ParseWorkdays(v); err != nil {
				return cfgErr("POCBOT_WORKDAYS: %v.", err)
			}
			return nil
		}},
	{Name: "POCBOT_LOG_LEVEL", Default: "info", Range: "debug, info, warn, error",
		Help: "JSON logs on stderr; tokens never logged",
		parse: func(c *Config, v string) error {
			if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
				return cfgErr("POCBOT_LOG_LEVEL must be debug, info, warn or error.")
			}
			return nil
		}},
}

// intSetting is a whole number from lo to hi.
func intSetting(name string, def, lo, hi int, unit, help string, field func(*Config) *int) setting {
	return setting{Name: name, Default: strconv.Itoa(def), Range: fmt.Sprintf("%d–%d", lo, hi), Help: help,
		parse: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return cfgErr("%s must be a whole number%s from %d to %d, like %d.", name, unit, lo, hi, def)
			}
			*field(c) = n
			return nil
		}}
}

func token(name, prefix, where string, field func(*Config) *secret) func(*Config, string) error {
	return func(c *Config, v string) error {
		*field(c) = secret(v)
		return checkToken(name, v, prefix, where)
	}
}

func channel(name string, field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v != "" && !isChannelID(v) {
			return cfgErr("%s %q is not a channel ID; use the ID (like C012AB3CD, from the channel's details → About), not its name.", name, v)
		}
		*field(c) = v
		return nil
	}
}

func schedule(name, howTo string, field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if _, err := bot.CronParser.Parse(v); err != nil {
			return cfgErr("%s %q is not a schedule (%v). %s", name, v, err, howTo)
		}
		*field(c) = v
		return nil
	}
}

func printSettings(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tRANGE\tMEANING")
	for _, s := range settings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.ShownDefault(), s.Range, s.Help)
	}
	tw.Flush()
}

// configError is a start-up problem explained in one paragraph.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func cfgErr(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...) + " See README.md, section \"Set-up\"; `pocbot -h` lists every setting."}
}

// LoadConfig reads and validates the configuration: each setting once, in
// table order. getenv is os.Getenv in production and a map in tests.
func LoadConfig(getenv func(string) string) (*Config, error) {
	return loadSettings(getenv)
}

// loadSettings reads the named settings (all when none are named) the way
// LoadConfig does; the offline tools read only what they use, so a missing
// token does not stop an export.
func loadSettings(getenv func(string) string, names ...string) (*Config, error) {
	c := &Config{}
	var errs []error
	for _, s := range settings {
		if len(names) > 0 && !slices.Contains(names, s.Name) {
			continue
		}
		v := strings.TrimSpace(getenv(s.Name))
		if v == "" {
			v = s.Default
		}
		if err := s.parse(c, v); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}

func checkToken(name, v, prefix, where string) error {
	switch {
	case v == "":
		return cfgErr("%s is not set. Set it to %s.", name, where)
	case !strings.HasPrefix(v, prefix):
		// Never echo the value: it may be a real token pasted in the wrong place.
		return cfgErr("%s does not look right: it must start with %q. Set it to %s.", name, prefix, where)
	case len(v) < len(prefix)+8 || strings.ContainsAny(v, " \t\r\n\"'"):
		return cfgErr("%s starts with %q but is malformed (too short or has spaces or quotes). Copy it again: %s.", name, prefix, where)
	}
	return nil
}

func isUserID(s string) bool {
	return len(s) >= 2 && len(s) <= 20 && (s[0] == 'U' || s[0] == 'W') && isUpperAlnum(s[1:])
}

func isChannelID(s string) bool {
	return len(s) >= 3 && len(s) <= 20 && (s[0] == 'C' || s[0] == 'G' || s[0] == 'D') && isUpperAlnum(s[1:])
}

// isClock accepts 24-hour HH:MM (or H:MM).
func isClock(s string) bool {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	digits := strings.Trim(h+m, "0123456789") == ""
	return ok && digits && len(m) == 2 && len(h) >= 1 && len(h) <= 2 && err1 == nil && err2 == nil && hh < 24 && mm < 60
}

func isUpperAlnum(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// parseDays accepts Go durations (72h) and whole days (14d).
func parseDays(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 365 {
			return 0, fmt.Errorf("%q is not a number of days from 0 to 365 (like 14d)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration; use days like 14d or hours like 72h", s)
	}
	return d, nil
}

// botConfig is the bot's configuration, tokens included.
func (c *Config) botConfig() bot.Config {
	bc := c.Config
	bc.BotToken, bc.AppToken = string(c.BotToken), string(c.AppToken)
	return bc
}

// formatDays writes a whole number of days as 14d, anything else as a Go
// duration: the forms parseDays reads.
func formatDays(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// formatWorkdays writes days the way POCBOT_WORKDAYS reads them, runs of
// three or more as a range: Mon-Fri.
func formatWorkdays(w bot.Workdays) string {
	days := strings.Split(w.String(), ",")
	var out []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && next(days[j]) == days[j+1] {
			j++
		}
		if j-i >= 2 {
			out = append(out, days[i]+"-"+days[j])
		} else {
			out = append(out, days[i:j+1]...)
		}
		i = j + 1
	}
	return strings.Join(out, ",")
}

func next(day string) string {
	order := []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"}
	for i, d := range order[:7] {
		if d == day {
			return order[i+1]
		}
	}
	return ""
}

// remindDaysSetting is POCBOT_CONTENT_REMIND_DAYS: a whole number of days,
// before the content deadline (POCBOT_CONTENT_DAYS, the row above), or the
// reminder would come after it.
func remindDaysSetting() setting {
	s := intSetting("POCBOT_CONTENT_REMIND_DAYS", botDefaults.ContentRemindDays, 1, 90, " of days",
		"days after delivery before the one content reminder per sample is offered to the owner", func(c *Config) *int { return &c.ContentRemindDays })
	parse := s.parse
	s.parse = func(c *Config, v string) error {
		if err := parse(c, v); err != nil {
			return err
		}
		if c.ContentDays > 0 && c.ContentRemindDays >= c.ContentDays {
			return cfgErr("POCBOT_CONTENT_REMIND_DAYS (%d) must be less than POCBOT_CONTENT_DAYS (%d): the reminder comes before the deadline.", c.ContentRemindDays, c.ContentDays)
		}
		return nil
	}
	return s
}
