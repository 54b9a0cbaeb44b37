package playground

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pocbot/bot/fakeslack"
)

// TestStaticHasNoOutsideAddress: the page loads nothing from anywhere but
// the server that serves it — no CDN, font, analytics or absolute URL — so
// it works offline and leaks nothing.
func TestStaticHasNoOutsideAddress(t *testing.T) {
	urlRE := regexp.MustCompile(`(?i)\b(?:https?|wss?|ftp)://[^\s"'` + "`" + `)<>]*|//[a-z0-9-]+\.[a-z0-9.-]+`)
	loopback := regexp.MustCompile(`^(?i)(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])([:/]|$)`)
	n := 0
	err := fs.WalkDir(static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, err := static.ReadFile(path)
		if err != nil {
			return err
		}
		for _, u := range urlRE.FindAllString(string(b), -1) {
			if !loopback.MatchString(u) {
				t.Errorf("%s references %q, which is not this machine", path, u)
			}
		}
		for _, bad := range []string{"@import", "<iframe", "fonts.googleapis", "cdn."} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q", path, bad)
			}
		}
		return nil
	})
	if err != nil || n < 3 {
		t.Fatalf("walked %d files: %v", n, err)
	}
}

// TestServedPageIsSelfContained fetches the page as a browser would and
// checks every asset it names is served here, with a CSP that forbids
// anything else.
func TestServedPageIsSelfContained(t *testing.T) {
	fake := fakeslack.New(fakeslack.Options{})
	defer fake.Close()
	s := New(Options{Slack: fake, People: []Person{{ID: "U1", Name: "ana", RealName: "Ana"}}, Channels: []Channel{{ID: "C1", Name: "general", Purpose: "sales"}}})
	defer s.Close()
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP %q does not restrict the page to this server", csp)
	}
	page, _ := static.ReadFile("static/index.html")
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(page), -1) {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("index.html references %q, not a path on this server", ref)
			continue
		}
		r, err := http.Get(srv.URL + ref)
		if err != nil || r.StatusCode != 200 {
			t.Errorf("GET %s: %v %v", ref, err, r.Status)
		}
		r.Body.Close()
	}
}

// TestEmojiCoverage: every :shortcode: the bot writes is drawn as an emoji.
func TestEmojiCoverage(t *testing.T) {
	js, _ := static.ReadFile("static/app.js")
	files, _ := filepath.Glob("../*.go")
	code := regexp.MustCompile(`:([a-z][a-z0-9_+-]*[a-z0-9]):`)
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range code.FindAllStringSubmatch(string(b), -1) {
			name := m[1]
			if seen[name] {
				continue
			}
			seen[name] = true
			if !regexp.MustCompile(`(?m)[\s{,]"?` + regexp.QuoteMeta(name) + `"?: "`).Match(js) {
				t.Errorf("app.js has no emoji for :%s: (used in %s)", name, f)
			}
		}
	}
	if len(seen) < 10 {
		t.Fatalf("found only %d shortcodes in the bot's code", len(seen))
	}
}

// TestRefusesOtherHosts: a request naming another host (DNS rebinding) or
// a post from another origin is refused.
func TestRefusesOtherHosts(t *testing.T) {
	fake := fakeslack.New(fakeslack.Options{})
	defer fake.Close()
	s := New(Options{Slack: fake, People: []Person{{ID: "U1", Name: "ana"}}, Channels: []Channel{{ID: "C1", Name: "general"}}})
	defer s.Close()
	for _, c := range []struct {
		host, origin string
		method       string
		want         int
	}{
		{"127.0.0.1:8080", "", "GET", 200},
		{"localhost:8080", "", "GET", 200},
		{"[::1]:8080", "", "GET", 200},
		{"evil.example:8080", "", "GET", http.StatusMisdirectedRequest},
		{"127.0.0.1:8080", "http://evil.example", "POST", http.StatusForbidden},
	} {
		req := httptest.NewRequest(c.method, "/api/workspace", nil)
		if c.method == "POST" {
			req = httptest.NewRequest("POST", "/api/run", strings.NewReader(`{"job":"x"}`))
		}
		req.Host = c.host
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s %s (Origin %q): %d, want %d", c.method, c.host, c.origin, rec.Code, c.want)
		}
	}
}
