package bot

import (
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// Defaults returns the value every zero field of a Config falls back to.
// It is the one place a bot default is written: New fills a Config from it,
// and cmd/pocbot's settings table shows and parses the same values.
//
// Fields whose zero value means something (BackupCron "" = no scheduled
// backup, VoucherMax 0 = only the currency's maximum, Location nil = UTC,
// TriageChannel "" = the digest channel) have no entry here.
func Defaults() Config {
	cur, _ := store.CurrencyFor(store.DefaultCurrency) // a known code: never fails
	return Config{
		APIURL:            slack.APIURL,
		DigestCron:        "0 9 * * *",
		BackupKeep:        7,
		PitchCooldown:     14 * 24 * time.Hour,
		FollowupDays:      3,
		FollowupCron:      "0 10 * * 1-5",
		NudgeCron:         "0 15 * * *",
		ReportCron:        "0 9 * * 1",
		Workdays:          progress.DefaultWorkdays,
		Currency:          cur,
		VoucherDays:       14,
		VoucherExpiryCron: "5 0 * * *",
		DailyCapacity:     60,
		TaskReminder:      "15:00",
		IssueSLA:          store.DefaultSLAPolicy(),
		ContentDays:       14,
		ContentRemindDays: 5,
		ContentCron:       "0 10 * * *",
		CreatorLang:       "id",
		SampleStrikes:     3,
		HandlerTimeout:    30 * time.Second,
		SubmitTimeout:     2500 * time.Millisecond,
		ShutdownTimeout:   10 * time.Second,
		PingInterval:      30 * time.Second,
		MaxRetries:        3,
	}
}

func (c *Config) setDefaults() {
	d := Defaults()
	if c.Location == nil {
		c.Location = time.UTC
	}
	orDefault(&c.TriageChannel, c.DigestChannel)
	orDefault(&c.APIURL, d.APIURL)
	orDefault(&c.DigestCron, d.DigestCron)
	orDefault(&c.BackupKeep, d.BackupKeep)
	orDefault(&c.PitchCooldown, d.PitchCooldown)
	orDefault(&c.FollowupDays, d.FollowupDays)
	orDefault(&c.FollowupCron, d.FollowupCron)
	orDefault(&c.NudgeCron, d.NudgeCron)
	orDefault(&c.ReportCron, d.ReportCron)
	orDefault(&c.Workdays, d.Workdays)
	orDefault(&c.Currency, d.Currency)
	orDefault(&c.VoucherDays, d.VoucherDays)
	orDefault(&c.VoucherExpiryCron, d.VoucherExpiryCron)
	orDefault(&c.DailyCapacity, d.DailyCapacity)
	orDefault(&c.TaskReminder, d.TaskReminder)
	orDefault(&c.IssueSLA, d.IssueSLA)
	orDefault(&c.ContentDays, d.ContentDays)
	orDefault(&c.ContentRemindDays, d.ContentRemindDays)
	orDefault(&c.ContentCron, d.ContentCron)
	orDefault(&c.CreatorLang, d.CreatorLang)
	orDefault(&c.SampleStrikes, d.SampleStrikes)
	orDefault(&c.HandlerTimeout, d.HandlerTimeout)
	orDefault(&c.SubmitTimeout, d.SubmitTimeout)
	orDefault(&c.ShutdownTimeout, d.ShutdownTimeout)
	orDefault(&c.PingInterval, d.PingInterval)
	orDefault(&c.MaxRetries, d.MaxRetries)
	c.Ops.setDefaults()
}

// orDefault sets *p to def when *p is the zero value.
func orDefault[T comparable](p *T, def T) {
	var zero T
	if *p == zero {
		*p = def
	}
}
