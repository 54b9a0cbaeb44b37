package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestExplore: ad-hoc exploration, not committed. EXPLORE="cmd1;;cmd2" runs commands as the lead.
func TestExplore(t *testing.T) {
	script := os.Getenv("EXPLORE")
	if script == "" {
		t.Skip()
	}
	b := newBrowser(t, 1280, 900)
	u := startPlayground(t, strings.Fields(os.Getenv("EXPLORE_FLAGS"))...)
	b.open(u)
	for i, step := range strings.Split(script, ";;") {
		step = strings.TrimSpace(step)
		switch {
		case strings.HasPrefix(step, "as "):
			b.eval("switch", `(() => { const s = document.querySelector("#user-switch"); s.value = "`+strings.TrimPrefix(step, "as ")+`"; s.dispatchEvent(new Event("change")); return true; })()`)
		case strings.HasPrefix(step, "ch "):
			b.channel(strings.TrimPrefix(step, "ch "))
		case strings.HasPrefix(step, "click "):
			f := strings.SplitN(strings.TrimPrefix(step, "click "), "|", 2)
			b.clickButton(f[0], f[1])
		case strings.HasPrefix(step, "js "):
			b.eval("js", strings.TrimPrefix(step, "js "))
		case strings.HasPrefix(step, "fill "):
			f := strings.SplitN(strings.TrimPrefix(step, "fill "), "=", 2)
			b.fill(f[0], f[1])
		case step == "submit":
			b.run("submit", chromedp.Click(chromedp.CSS(`.modal button[type=submit]`)))
		case strings.HasPrefix(step, "sleep"):
			time.Sleep(time.Second)
		case strings.HasPrefix(step, "shot "):
			b.screenshot(strings.TrimPrefix(step, "shot "))
		default:
			b.command(step)
		}
		time.Sleep(700 * time.Millisecond)
		_ = i
	}
	b.screenshot("end")
	t.Log(b.text("#messages"))
}
