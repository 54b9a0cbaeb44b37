package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// startPlayground runs `pocbot playground` on a free loopback port with
// extra flags and returns the page URL. It stops at the end of the test.
func startPlayground(t *testing.T, flags ...string) string {
	t.Helper()
	return startPlaygroundEnv(t, nil, flags...)
}

// startPlaygroundEnv is startPlayground with these environment variables.
func startPlaygroundEnv(t *testing.T, env map[string]string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	errOut := &syncBuffer{}
	done := make(chan int, 1)
	args := append([]string{"playground", "-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "pg.db")}, flags...)
	go func() { done <- run(ctx, args, func(k string) string { return env[k] }, out, errOut) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("pocbot playground exited %d: %s", code, errOut.String())
			}
		case <-time.After(20 * time.Second):
			t.Errorf("pocbot playground did not stop within 20s")
		}
	})
	re := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/)`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("pocbot playground exited %d:\n%s\n%s", code, out.String(), errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("pocbot playground printed no URL within 60s:\n%s\n%s", out.String(), errOut.String())
	return ""
}

// chromiumPath finds Debian's chromium (or another Chrome) or skips.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test skipped: Chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it)")
	return ""
}

// browser is a headless Chromium page that fails the test on any script
// error or any request to a non-loopback address.
type browser struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	shot int
}

func newBrowser(t *testing.T, width, height int) *browser {
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx, dir: t.TempDir()}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			t.Errorf("page script error: %s (%s:%d)", msg, d.URL, d.LineNumber+1)
		case *network.EventRequestWillBeSent:
			u, err := url.Parse(e.Request.URL)
			if err != nil || (u.Scheme != "data" && u.Hostname() != "127.0.0.1") {
				t.Errorf("the page requested a non-loopback address: %s", e.Request.URL)
			}
		}
	})
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
			return err
		}))
	}
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.screenshot("failed")
		b.t.Fatalf("%s: %v\npage text:\n%s", what, err, b.text("body"))
	}
}

func (b *browser) text(sel string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).innerText||""`, sel)))
	return s
}

// waitText waits until the element sel contains want (a JS-side poll).
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	js := fmt.Sprintf(`[...document.querySelectorAll(%q)].some(e => e.innerText.includes(%q))`, sel, want)
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(25*time.Second))); err != nil {
		b.screenshot("failed")
		b.t.Fatalf("wait for %q in %s: %v\npage text:\n%s", want, sel, err, b.text("body"))
	}
}

// command types a slash command in the composer and presses Enter.
func (b *browser) command(text string) {
	b.t.Helper()
	b.run("type "+text, chromedp.Focus(chromedp.CSS("#compose-text")), chromedp.SendKeys(chromedp.CSS("#compose-text"), text),
		chromedp.SendKeys(chromedp.CSS("#compose-text"), "\r"))
}

func (b *browser) eval(what, js string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
	if err != nil || !ok {
		b.screenshot("failed")
		b.t.Fatalf("%s: the page has no such element\npage text:\n%s", what, b.text("body"))
	}
}

// clickButton clicks the button labelled label inside the last element
// matching scope.
func (b *browser) clickButton(scope, label string) {
	b.t.Helper()
	b.eval("click "+label, fmt.Sprintf(`(() => { const s = [...document.querySelectorAll(%q)].reverse();
		for (const e of s) { const btn = [...e.querySelectorAll("button, [role=menuitem]")].find(x => x.innerText.trim().startsWith(%q)); if (btn) { btn.click(); return true; } }
		return false; })()`, scope, label))
}

// fill sets a modal input by block ID as a person would: text typed, a
// select picked (with its change event).
func (b *browser) fill(block, value string) {
	b.t.Helper()
	b.eval("fill "+block, fmt.Sprintf(`(() => { const e = document.querySelector('.bk-input[data-block=%q] .bk-field-input'); if (!e) return false;
		e.focus(); e.value = %q; e.dispatchEvent(new Event(e.tagName === "SELECT" || e.type === "date" || e.type === "time" ? "change" : "input", {bubbles: true})); return true; })()`, block, value))
}

// pickFirst picks the first real option of a modal select.
func (b *browser) pickFirst(block string) {
	b.t.Helper()
	b.eval("pick "+block, fmt.Sprintf(`(() => { const e = document.querySelector('.bk-input[data-block=%q] select'); if (!e) return false;
		const o = [...e.options].find(o => o.value); e.value = o.value; e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, block))
}

// screenshot saves a PNG and checks it is not blank.
func (b *browser) screenshot(name string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	b.shot++
	path := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.shot, name))
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	if dir := os.Getenv("POCBOT_SCREENSHOTS"); dir != "" { // for people looking at the pages
		_ = os.WriteFile(filepath.Join(dir, filepath.Base(path)), buf, 0o644)
	}
	if name != "failed" {
		checkNotBlank(b.t, name, buf)
	}
	return path
}

// checkNotBlank fails if the picture is (nearly) one colour.
func checkNotBlank(t *testing.T, name string, data []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", name, err)
	}
	colors := map[[3]uint32]int{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 4 {
		for x := r.Min.X; x < r.Max.X; x += 4 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			colors[[3]uint32{cr >> 12, cg >> 12, cb >> 12}]++
		}
	}
	if len(colors) < 20 || r.Dx() < 300 {
		t.Errorf("screenshot %s looks blank: %d colours, %v", name, len(colors), r)
	}
	_ = image.Point{}
}

func (b *browser) evalString(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("evaluate: %v", err)
	}
	return v
}

// checkNames fails for any visible control without an accessible name.
func (b *browser) checkNames(where string) {
	b.t.Helper()
	bad := b.evalString(`[...document.querySelectorAll("button, select, input, textarea, a[href], [role=menuitem], [role=tab]")]
		.filter(e => e.offsetParent !== null)
		.filter(e => !(e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || (e.id && document.querySelector("label[for='" + e.id + "']")) || e.closest("label") || e.innerText.trim() || e.title))
		.map(e => e.outerHTML.slice(0, 120)).join("\n")`)
	if bad != "" {
		b.t.Errorf("%s: controls without an accessible name:\n%s", where, bad)
	}
}

func (b *browser) count(sel string) int {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func (b *browser) open(pageURL string) {
	b.run("open the page", chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`)))
}

func (b *browser) channel(name string) {
	b.t.Helper()
	b.clickButton("#sidebar", "# "+name)
	b.waitText("#conv-title", name)
}

// TestPlaygroundBrowser drives the real bot through the page in headless
// Chromium: an issue from the form to its triage post and Assign to me
// (edited in place), a bulk pitch with its duplicate warning, a voucher,
// App Home and the digest via Run now.
func TestPlaygroundBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: not in -short")
	}
	b := newBrowser(t, 1280, 900)
	pageURL := startPlayground(t, "-demo=false")
	b.open(pageURL)
	b.waitText("#channel-list", "creator-issues")
	b.screenshot("start")

	// mrkdwn and every Block Kit part the page draws, rendered in the page.
	got := b.evalString(`mrkdwn("*bold* _it_ ~gone~ ` + "`code`" + ` <@U0ANA|ana> <#C0TRIAGE|x> <!here> <https://example.com/a?b=1&amp;c=2|a link> &lt;script&gt; :tada: <javascript:alert(1)|bad>\n&gt; quoted\n` + "```\\n*not bold* <@U0ANA>\\n```" + `")`)
	for _, want := range []string{"<strong>bold</strong>", "<em>it</em>", "<del>gone</del>", "<code>code</code>", ">@ana</span>",
		">#creator-issues</span>", ">@here</span>", `href="https://example.com/a?b=1&amp;c=2"`, "&lt;script&gt;", "🎉",
		"<blockquote>quoted</blockquote>", `<pre class="code-block">*not bold* <span class="mention"`} {
		if !strings.Contains(got, want) {
			t.Errorf("mrkdwn: no %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "javascript:") && strings.Contains(got, "href=\"javascript") {
		t.Errorf("mrkdwn made a javascript: link: %s", got)
	}
	blocks := `[{"type":"header","text":{"type":"plain_text","text":"Head :tada:"}},
		{"type":"section","text":{"type":"mrkdwn","text":"*Sec*"},"fields":[{"type":"mrkdwn","text":"F1"},{"type":"plain_text","text":"F2"}],
		 "accessory":{"type":"overflow","action_id":"o","options":[{"text":{"type":"plain_text","text":"Opt A"},"value":"a"}]}},
		{"type":"context","elements":[{"type":"mrkdwn","text":"ctx"},{"type":"image","image_url":"https://example.com/x.png","alt_text":"pic"}]},
		{"type":"divider"},
		{"type":"image","image_url":"https://example.com/big.png","alt_text":"big picture","title":{"type":"plain_text","text":"T"}},
		{"type":"actions","elements":[{"type":"button","action_id":"p","text":{"type":"plain_text","text":"Go"},"style":"primary"},
		 {"type":"button","action_id":"d","text":{"type":"plain_text","text":"Stop"},"style":"danger"},
		 {"type":"static_select","action_id":"s","placeholder":{"type":"plain_text","text":"Pick"},"options":[{"text":{"type":"plain_text","text":"One"},"value":"1"}]},
		 {"type":"users_select","action_id":"u","placeholder":{"type":"plain_text","text":"Who"}},
		 {"type":"datepicker","action_id":"dp","initial_date":"2026-12-04"}]}]`
	counts := b.evalString(`(() => { const n = renderBlocks(` + blocks + `, {kind: "message", msg: {channel: "C0SALES", ts: "1"}});
		const q = s => n.querySelectorAll(s).length;
		return [q(".bk-header"), q(".bk-fields .bk-field"), q(".bk-overflow"), q(".bk-context"), q("hr"), q(".img-placeholder"),
			q(".bk-btn.primary"), q(".bk-btn.danger"), q("select.bk-select"), q("select.bk-select option[value=U0ANA]"), q("input[type=date]"),
			n.querySelector("input[type=date]").value, n.querySelector(".bk-header").innerText].join(","); })()`)
	if counts != "1,2,1,1,1,2,1,1,2,1,1,2026-12-04,Head 🎉" {
		t.Errorf("Block Kit rendering: got %s", counts)
	}

	// An issue: /issue opens the form; submit; the triage post; Assign to me.
	b.channel("sales-jkt")
	b.command("/issue")
	b.waitText(".modal h2", "Report creator issue")
	b.fill("issue_creator", "@sinta.glow")
	b.pickFirst("issue_category")
	b.pickFirst("issue_priority")
	b.fill("issue_description", "Sample never arrived, order shipped 5 days ago")
	b.screenshot("issue-form")
	b.checkNames("the issue form")
	b.run("submit", chromedp.Click(chromedp.CSS(`.modal button[type=submit]`)))
	b.run("modal closes", chromedp.WaitNotPresent(chromedp.CSS(`.modal`)))
	b.channel("creator-issues")
	b.waitText("#messages .msg", "sinta.glow")
	b.screenshot("triage-post")
	before := b.count("#messages .msg")
	b.clickButton("#messages .msg", "Assign to me")
	b.waitText("#messages .msg", "(edited)")
	after := b.count("#messages .msg")
	if after != before {
		t.Errorf("Assign to me: %d messages in #creator-issues, had %d; the triage post should change in place", after, before)
	}
	b.waitText("#messages .msg", "Dewi")
	b.screenshot("assigned")
	b.checkNames("the triage post")

	// A bulk pitch, then the same creators again: the duplicate warning.
	b.channel("sales-jkt")
	b.command("/pitch @nadia.beauty, @putu.style @rara_cooks Glow Serum")
	b.waitText("#messages .msg", "PIT-")
	b.command("/pitch @nadia.beauty @rara_cooks @baru.lagi Glow Serum")
	b.waitText("#messages .msg.ephemeral", "was pitched by")
	b.waitText("#messages .msg.ephemeral", "Log anyway")
	if !strings.Contains(b.text("#messages"), "Only visible to you") {
		t.Errorf("the pitch reply is not marked Only visible to you")
	}
	b.screenshot("duplicate-warning")

	// A voucher: the code comes back.
	b.command("/voucher @nadia.beauty Glow Serum 150000")
	b.waitText("#messages .msg", "Voucher issued")
	if !regexp.MustCompile(`Voucher issued: [A-Z0-9-]{6,}`).MatchString(b.text("#messages")) {
		t.Errorf("no voucher code in the reply:\n%s", b.text("#messages"))
	}
	b.screenshot("voucher")

	// The bot's field errors show under the field; what was typed stays.
	b.command("/voucher")
	b.waitText(".modal h2", "Issue a voucher")
	b.fill("voucher_creator", "@putu.style")
	b.fill("voucher_product", "Glow Serum")
	b.fill("voucher_value", "abc")
	b.run("submit", chromedp.Click(chromedp.CSS(`.modal button[type=submit]`)))
	b.waitText(`.bk-input[data-block="voucher_value"] .bk-error`, "not an amount")
	b.eval("the creator stays", `document.querySelector('.bk-input[data-block="voucher_creator"] input').value === "@putu.style"`)
	b.screenshot("field-error")
	b.fill("voucher_value", "150k")
	b.run("submit", chromedp.Click(chromedp.CSS(`.modal button[type=submit]`)))
	b.run("modal closes", chromedp.WaitNotPresent(chromedp.CSS(`.modal`)))
	b.waitText("#messages .msg", "@putu.style · Product")

	// A person's message, a reply in its thread, and the message shortcut.
	b.command("Kak, sample serum belum sampai padahal resi sudah 5 hari @dinda.glow")
	b.waitText("#messages .msg", "belum sampai")
	b.clickButton("#messages .msg:last-of-type", "Reply in thread")
	b.run("reply", chromedp.SendKeys(chromedp.CSS("#thread-text"), "Aku cek dulu ya\r"))
	b.waitText("#thread-messages", "Aku cek dulu ya")
	b.waitText("#messages .msg:last-of-type", "1 reply")
	b.run("close thread", chromedp.Click(chromedp.CSS("#thread-close")))
	b.clickButton("#messages .msg:last-of-type", "⋯")
	b.clickButton("#messages .msg:last-of-type", "Log creator issue")
	b.waitText(".modal h2", "Report creator issue")
	b.eval("prefilled by views.update", `(() => { const e = document.querySelector('.bk-input[data-block="issue_creator"] input'); return !!e && e.value === "@dinda.glow"; })()`)
	b.screenshot("shortcut")
	b.run("submit", chromedp.Click(chromedp.CSS(`.modal button[type=submit]`)))
	b.run("modal closes", chromedp.WaitNotPresent(chromedp.CSS(`.modal`)))
	b.channel("creator-issues")
	b.waitText("#messages .msg", "dinda.glow")
	b.channel("sales-jkt")

	// @ autocomplete inserts the person; Slack delivers <@U…|name>.
	b.run("type a mention", chromedp.Focus(chromedp.CSS("#compose-text")), chromedp.SendKeys(chromedp.CSS("#compose-text"), "/task @an"))
	b.waitText("#suggest", "Ana Kusuma")
	b.run("pick it", chromedp.SendKeys(chromedp.CSS("#compose-text"), "\r"))
	b.run("type the rest", chromedp.SendKeys(chromedp.CSS("#compose-text"), "Pitch 40 beauty creators by friday"))
	b.waitText("#compose-hint", "<@U0ANA|ana> Pitch 40 beauty creators by friday")
	if v := b.evalString(`document.querySelector("#compose-text").value`); v != "/task @ana Pitch 40 beauty creators by friday" {
		t.Errorf("the composer holds %q", v)
	}
	b.screenshot("mention")
	b.run("send", chromedp.SendKeys(chromedp.CSS("#compose-text"), "\r"))
	b.waitText("#messages .msg", "TSK-")
	b.waitText("#messages .msg", "@ana")

	// Keyboard: Esc closes a form.
	b.command("/pitch")
	b.waitText(".modal h2", "Log a pitch")
	b.eval("the first field has focus", `document.activeElement.closest(".bk-input").dataset.block === "pitch_creators"`)
	b.run("Tab", chromedp.KeyEvent("\t"))
	b.eval("Tab moves to the next field", `document.activeElement.closest(".bk-input").dataset.block === "pitch_product"`)
	// A form belongs to the person who opened it.
	b.eval("switch to Ana", `(() => { const s = document.querySelector("#user-switch"); s.value = "U0ANA"; s.dispatchEvent(new Event("change")); return true; })()`)
	b.run("Ana sees no form", chromedp.WaitNotPresent(chromedp.CSS(`.modal`)))
	b.eval("back to Dewi", `(() => { const s = document.querySelector("#user-switch"); s.value = "U0LEAD"; s.dispatchEvent(new Event("change")); return true; })()`)
	b.waitText(".modal h2", "Log a pitch")
	b.run("Esc", chromedp.KeyEvent(kb.Escape))
	b.run("the form closes", chromedp.WaitNotPresent(chromedp.CSS(`.modal`)))
	b.eval("focus is back in the message box", `document.activeElement.id === "compose-text"`)

	// App Home.
	b.clickButton("#app-list", "🤖")
	b.waitText("#home", "Your pocbot")
	b.screenshot("app-home")
	b.checkNames("App Home")

	// The digest, through the bot's scheduler.
	b.run("open Run now", chromedp.Click(chromedp.CSS("#run-now")))
	b.clickButton("#run-menu", "Morning digest")
	b.channel("poc-digest")
	b.waitText("#messages .msg", "Daily digest")
	b.screenshot("digest")
}

// TestPlaygroundPhone: at phone width the channels fold behind a button
// and a command still works.
func TestPlaygroundPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: not in -short")
	}
	b := newBrowser(t, 1000, 900)
	b.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open(startPlayground(t))
	visible := func(sel string) bool {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return r.right > 0 && r.left < innerWidth && r.width > 0; })()`, sel)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if visible("#sidebar") || !visible("#menu-toggle") {
		t.Errorf("at 390px the sidebar should be folded behind the menu button")
	}
	b.run("open channels", chromedp.Click(chromedp.CSS("#menu-toggle")), chromedp.Sleep(300*time.Millisecond))
	b.screenshot("phone-sidebar")
	b.channel("creator-issues")
	b.command("/issue list")
	b.waitText("#messages .msg", "ISS-")
	var width int
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	width, _ = chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - innerWidth`))
	if width > 0 {
		t.Errorf("the page scrolls sideways at phone width: %dpx too wide", width)
	}
	b.screenshot("phone")
}
