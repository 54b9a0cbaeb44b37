package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPlaygroundShowsReportCharts: the weekly report's three PNG charts,
// shared in one upload, show in the page as images (loaded, with their alt
// text) under one copy of the report text, as Slack shows them.
func TestPlaygroundShowsReportCharts(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: not in -short")
	}
	b := newBrowser(t, 1280, 900)
	pageURL := startPlayground(t)
	// The report on demand, in the lead's DM: the same three charts in one upload.
	if r := postJSON(t, pageURL+"api/command", map[string]any{"user": "U0LEAD", "channel": "C0SALES", "command": "/target", "text": "report"}); r["ok"] != true {
		t.Fatalf("/target report: %v", r)
	}
	waitScreen(t, pageURL, "U0LEAD", func(s screenJSON) bool { return len(s.Files) == 3 })
	b.open(pageURL)
	b.clickButton("#app-list", "🤖")
	b.run("open the Messages tab", chromedp.Click(chromedp.CSS("#tab-messages")))
	b.waitText("#messages", "Weekly report")
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	js := `(() => { const imgs = [...document.querySelectorAll("#messages img.file-image")];
		return imgs.length === 3 && imgs.every(i => i.complete && i.naturalWidth >= 1000 && i.alt.length > 40); })()`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		t.Errorf("the three charts are not shown as loaded images with alt text (%d img.file-image): %v",
			b.count("#messages img.file-image"), err)
	}
	if n := strings.Count(b.text("#messages"), "Weekly report"); n != 1 {
		t.Errorf("the report text shows %d times, want once for the one upload", n)
	}
	b.screenshot("report-charts")
}
