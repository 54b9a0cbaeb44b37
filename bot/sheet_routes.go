package bot

// sheetRoutes registers the spreadsheet features: /creator import, the
// /pitch, /issue and /task exports and the weekly report.
func (b *Bot) sheetRoutes() error {
	b.importRoutes()
	return b.sched.add("report", b.cfg.ReportCron, b.reportJob)
}
