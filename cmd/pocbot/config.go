package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
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

// Config is pocbot's configuration, read from the environment.
type Config struct {
	BotToken      secret
	AppToken      secret
	APIURL        string
	DB            string
	Location      *time.Location
	DigestChannel string
	TriageChannel string
	DigestCron    string
	BackupCron    string
	BackupDir     string
	Admins        []string
	PitchCooldown time.Duration
	FollowupDays  int
	FollowupCron  string
	DailyCapacity int
	TaskReminder  string
	NudgeCron     string
	Workdays      bot.Workdays
	LogLevel      slog.Level

	Currency        store.Currency
	VoucherDays     int
	VoucherDailyCap int
	VoucherMax      store.Money
	IssueSLA        store.SLAPolicy
}

// setting documents one environment variable; -h prints the table.
type setting struct {
	Name, Default, Desc string
}

var settings = []setting{
	{"SLACK_BOT_TOKEN", "(required)", "Bot User OAuth Token, xoxb-… (app settings → OAuth & Permissions)"},
	{"SLACK_APP_TOKEN", "(required)", "App-level token with connections:write, xapp-… (app settings → Basic Information → App-Level Tokens)"},
	{"SLACK_API_URL", "https://slack.com/api/", "Web API base, also used for apps.connections.open (point it at a fake Slack for tests)"},
	{"POCBOT_DB", "./pocbot.db", "bbolt database file (created 0600)"},
	{"POCBOT_TZ", "Asia/Jakarta", "IANA time zone for schedules, days and every time shown"},
	{"POCBOT_DIGEST_CHANNEL", "(none)", "channel ID for the daily digest"},
	{"POCBOT_TRIAGE_CHANNEL", "digest channel", "channel ID where creator issues are triaged"},
	{"POCBOT_DIGEST_CRON", "0 9 * * *", "digest schedule; 5 fields, optional leading seconds, or @every 5s / @daily"},
	{"POCBOT_BACKUP_CRON", "30 2 * * *", "hot backup schedule (\"off\" disables)"},
	{"POCBOT_BACKUP_DIR", "<db dir>/backups", "where scheduled backups go; the newest 7 are kept"},
	{"POCBOT_ADMINS", "(none)", "comma-separated Slack user IDs allowed to set targets and budgets"},
	{"POCBOT_PITCH_COOLDOWN", "14d", "a creator pitched within this window counts as a duplicate (e.g. 14d, 72h)"},
	{"POCBOT_FOLLOWUP_DAYS", "3", "an open pitch older than this many days needs a follow-up"},
	{"POCBOT_FOLLOWUP_CRON", "0 10 * * 1-5", "when each owner gets their one daily follow-up DM"},
	{"POCBOT_CURRENCY", "IDR", "currency of voucher values and budgets: IDR, USD, SGD, MYR, THB, PHP or VND"},
	{"POCBOT_VOUCHER_DAYS", "14", "a new voucher is valid until the end of the day this many days ahead (1–365)"},
	{"POCBOT_VOUCHER_DAILY_CAP", "0", "most vouchers one person may issue per day (0 = no cap)"},
	{"POCBOT_VOUCHER_MAX", "10000000 for IDR", "most one sample voucher may be worth, in POCBOT_CURRENCY (e.g. 10jt); larger values are refused as typos (other currencies: no cap unless set)"},
	{"POCBOT_DAILY_CAPACITY", "60", "task units one outsource member can do per working day (Mon–Fri); admins override per person with /task capacity"},
	{"POCBOT_TASK_REMINDER", "15:00", "local HH:MM of the daily task reminder DM (due today + overdue, one DM per person, working days only)"},
	{"POCBOT_SLA", "P1=4h,P2=24h,P3=72h,P4=7d", "time allowed per creator-issue priority; list only the ones to change (e.g. P1=2h,P4=14d)"},
	{"POCBOT_NUDGE_CRON", "0 15 * * *", "when people under half of a daily target get one friendly DM (never on days off)"},
	{"POCBOT_WORKDAYS", "Mon-Fri", "working days for targets, streaks, nudges and the digest, e.g. Mon-Sat or Mon,Wed,Fri (holidays: /target holiday add)"},
	{"POCBOT_LOG_LEVEL", "info", "debug, info, warn or error (JSON logs on stderr; tokens never logged)"},
}

func printSettings(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tMEANING")
	for _, s := range settings {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, s.Default, s.Desc)
	}
	tw.Flush()
}

// configError is a start-up problem explained in one paragraph.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func cfgErr(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...) + " See README.md, section \"Set-up\"; `pocbot -h` lists every setting."}
}

// LoadConfig reads and validates the configuration. getenv is os.Getenv in
// production and a map in tests.
func LoadConfig(getenv func(string) string) (*Config, error) {
	env := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		BotToken:      secret(strings.TrimSpace(getenv("SLACK_BOT_TOKEN"))),
		AppToken:      secret(strings.TrimSpace(getenv("SLACK_APP_TOKEN"))),
		APIURL:        env("SLACK_API_URL", "https://slack.com/api/"),
		DB:            env("POCBOT_DB", "./pocbot.db"),
		DigestChannel: env("POCBOT_DIGEST_CHANNEL", ""),
		DigestCron:    env("POCBOT_DIGEST_CRON", "0 9 * * *"),
		BackupCron:    env("POCBOT_BACKUP_CRON", "30 2 * * *"),
		BackupDir:     env("POCBOT_BACKUP_DIR", ""),
		FollowupCron:  env("POCBOT_FOLLOWUP_CRON", "0 10 * * 1-5"),
		NudgeCron:     env("POCBOT_NUDGE_CRON", "0 15 * * *"),
	}
	c.TriageChannel = env("POCBOT_TRIAGE_CHANNEL", c.DigestChannel)
	var errs []error
	if err := checkToken("SLACK_BOT_TOKEN", string(c.BotToken), "xoxb-", "the Bot User OAuth Token from your app's OAuth & Permissions page (install the app to your workspace first)"); err != nil {
		errs = append(errs, err)
	}
	if err := checkToken("SLACK_APP_TOKEN", string(c.AppToken), "xapp-", "an app-level token with the connections:write scope, from your app's Basic Information page → App-Level Tokens"); err != nil {
		errs = append(errs, err)
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, cfgErr("SLACK_API_URL %q is not an http(s) URL; leave it unset for the real Slack (https://slack.com/api/).", c.APIURL))
	} else if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	tz := env("POCBOT_TZ", "Asia/Jakarta")
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		errs = append(errs, cfgErr("POCBOT_TZ %q is not an IANA time zone name; use one like Asia/Jakarta, Asia/Makassar or Europe/London.", tz))
	}
	c.Location = loc
	if _, err := bot.CronParser.Parse(c.DigestCron); err != nil {
		errs = append(errs, cfgErr("POCBOT_DIGEST_CRON %q is not a schedule (%v). Use 5 cron fields such as \"0 9 * * *\" (09:00 every day), optionally with a leading seconds field, or a descriptor such as \"@every 5s\".", c.DigestCron, err))
	}
	if _, err := bot.CronParser.Parse(c.FollowupCron); err != nil {
		errs = append(errs, cfgErr("POCBOT_FOLLOWUP_CRON %q is not a schedule (%v); use cron fields like \"0 10 * * 1-5\".", c.FollowupCron, err))
	}
	if _, err := bot.CronParser.Parse(c.NudgeCron); err != nil {
		errs = append(errs, cfgErr("POCBOT_NUDGE_CRON %q is not a schedule (%v); use cron fields like \"0 15 * * *\" (15:00 every day; days off are skipped anyway).", c.NudgeCron, err))
	}
	if c.Workdays, err = bot.ParseWorkdays(env("POCBOT_WORKDAYS", "Mon-Fri")); err != nil {
		errs = append(errs, cfgErr("POCBOT_WORKDAYS: %v.", err))
	}
	if strings.EqualFold(c.BackupCron, "off") {
		c.BackupCron = ""
	} else if _, err := bot.CronParser.Parse(c.BackupCron); err != nil {
		errs = append(errs, cfgErr("POCBOT_BACKUP_CRON %q is not a schedule (%v); use cron fields like \"30 2 * * *\" or \"off\".", c.BackupCron, err))
	}
	for _, id := range strings.Split(getenv("POCBOT_ADMINS"), ",") {
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
	for _, ch := range []struct{ name, v string }{{"POCBOT_DIGEST_CHANNEL", c.DigestChannel}, {"POCBOT_TRIAGE_CHANNEL", c.TriageChannel}} {
		if ch.v != "" && !isChannelID(ch.v) {
			errs = append(errs, cfgErr("%s %q is not a channel ID; use the ID (like C012AB3CD, from the channel's details → About), not its name.", ch.name, ch.v))
		}
	}
	if c.PitchCooldown, err = parseDays(env("POCBOT_PITCH_COOLDOWN", "14d")); err != nil {
		errs = append(errs, cfgErr("POCBOT_PITCH_COOLDOWN: %v", err))
	}
	if c.FollowupDays, err = strconv.Atoi(env("POCBOT_FOLLOWUP_DAYS", "3")); err != nil || c.FollowupDays < 1 || c.FollowupDays > 90 {
		errs = append(errs, cfgErr("POCBOT_FOLLOWUP_DAYS must be a whole number of days from 1 to 90."))
	}
	if c.Currency, err = store.CurrencyFor(env("POCBOT_CURRENCY", store.DefaultCurrency)); err != nil {
		errs = append(errs, cfgErr("POCBOT_CURRENCY: %s", store.ErrorMessage(err)))
	}
	if c.VoucherDays, err = strconv.Atoi(env("POCBOT_VOUCHER_DAYS", "14")); err != nil || c.VoucherDays < 1 || c.VoucherDays > store.MaxVoucherDays {
		errs = append(errs, cfgErr("POCBOT_VOUCHER_DAYS must be a whole number of days from 1 to %d, like 14.", store.MaxVoucherDays))
	}
	if m := env("POCBOT_VOUCHER_MAX", ""); m != "" {
		if c.VoucherMax, err = store.ParseAmount(m, c.Currency); err != nil {
			errs = append(errs, cfgErr("POCBOT_VOUCHER_MAX: %s It is the most one sample voucher may be worth, like 10000000 or 10jt.", store.ErrorMessage(err)))
		}
	} else if c.Currency.Code == "IDR" {
		c.VoucherMax = 10_000_000 // Rp10.000.000: far above any sample, far below a typo's extra zeros
	}
	if c.VoucherDailyCap, err = strconv.Atoi(env("POCBOT_VOUCHER_DAILY_CAP", "0")); err != nil || c.VoucherDailyCap < 0 || c.VoucherDailyCap > 10000 {
		errs = append(errs, cfgErr("POCBOT_VOUCHER_DAILY_CAP must be a whole number from 0 (no cap) to 10000, like 20."))
	}
	if c.DailyCapacity, err = strconv.Atoi(env("POCBOT_DAILY_CAPACITY", "60")); err != nil || c.DailyCapacity < 1 || c.DailyCapacity > 10000 {
		errs = append(errs, cfgErr("POCBOT_DAILY_CAPACITY must be a whole number of task units per working day from 1 to 10000, like 60."))
	}
	c.TaskReminder = env("POCBOT_TASK_REMINDER", "15:00")
	if !isClock(c.TaskReminder) {
		errs = append(errs, cfgErr("POCBOT_TASK_REMINDER %q is not a time of day; use 24-hour HH:MM in POCBOT_TZ, like 15:00.", c.TaskReminder))
	}
	if c.IssueSLA, err = store.ParseSLAPolicy(getenv("POCBOT_SLA")); err != nil {
		errs = append(errs, cfgErr("POCBOT_SLA %q: %s Write it like P1=4h,P2=24h,P3=72h,P4=7d; priorities you leave out keep their default.", getenv("POCBOT_SLA"), store.ErrorMessage(err)))
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("POCBOT_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, cfgErr("POCBOT_LOG_LEVEL must be debug, info, warn or error."))
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

// botConfig converts to the bot's configuration.
func (c *Config) botConfig() bot.Config {
	return bot.Config{
		BotToken: string(c.BotToken), AppToken: string(c.AppToken), APIURL: c.APIURL,
		Location: c.Location, DigestChannel: c.DigestChannel, TriageChannel: c.TriageChannel,
		DigestCron: c.DigestCron, BackupCron: c.BackupCron, BackupDir: c.BackupDir, Admins: c.Admins,
		PitchCooldown: c.PitchCooldown, FollowupDays: c.FollowupDays, FollowupCron: c.FollowupCron,
		Currency: c.Currency, VoucherDays: c.VoucherDays, VoucherDailyCap: c.VoucherDailyCap, VoucherMax: c.VoucherMax,
		DailyCapacity: c.DailyCapacity, TaskReminder: c.TaskReminder,
		IssueSLA:  c.IssueSLA,
		NudgeCron: c.NudgeCron, Workdays: c.Workdays,
	}
}
