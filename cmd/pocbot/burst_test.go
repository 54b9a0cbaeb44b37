package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
)

// homeWeekCount reads "This week: N pitch(es) logged" from a views.publish.
var homeWeekCount = regexp.MustCompile(`This week:\*? (\d+) pitch`)

// A burst of 100 pitches from one user, one at a time (a fast typist, a
// script) and 10 at once: every confirmation is posted, the Home is
// published a handful of times rather than 100, and no Home shows a pitch
// whose confirmation had not been posted before it.
func TestE2E_PitchBurstRepliesFirstHomeCoalesced(t *testing.T) {
	for _, inFlight := range []int{1, 10} {
		t.Run(fmt.Sprintf("InFlight%d", inFlight), func(t *testing.T) { testPitchBurst(t, inFlight) })
	}
}

func testPitchBurst(t *testing.T, inFlight int) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	const n = 100
	u := h.Slack.User("U7")
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, inFlight)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := u.Command(ctx, "CGENERAL", "/pitch", fmt.Sprintf("@burst.%03d Serum", i)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	confirmed := func() int {
		c := 0
		for _, m := range h.Slack.Messages() {
			if m.Kind == "response" && m.User == "U7" && strings.HasPrefix(m.Text, "Logged pitch PIT-") {
				c++
			}
		}
		return c
	}
	if _, err := h.Slack.WaitMessage(ctx, func(fakeslack.Message) bool { return confirmed() == n }); err != nil {
		t.Fatalf("%d of %d pitches confirmed: %v", confirmed(), n, err)
	}
	burst := time.Since(start)
	// The last Home shows all 100.
	if _, err := h.Slack.WaitView(ctx, "U7", func(v *fakeslack.View) bool {
		return v.Type == "home" && strings.Contains(string(v.JSON), fmt.Sprintf("This week:* %d pitch", n))
	}); err != nil {
		t.Fatalf("Home never showed all %d pitches: %v", n, err)
	}

	// In the order Slack received them: each Home published for U7 shows
	// at most as many pitches as had been confirmed to U7 before it.
	replies, publishes := 0, 0
	for _, c := range h.Slack.Calls("") {
		switch {
		case c.Method == "response_url" && strings.HasPrefix(c.Params["text"], "Logged pitch PIT-"):
			replies++
		case c.Method == "views.publish" && c.Params["user_id"] == "U7":
			publishes++
			m := homeWeekCount.FindStringSubmatch(c.Params["view"])
			if m == nil {
				t.Fatalf("Home without the week's count: %.300s", c.Params["view"])
			}
			shown, _ := strconv.Atoi(m[1])
			if shown > replies {
				t.Errorf("Home publish %d shows %d pitches, but only %d had been confirmed before it", publishes, shown, replies)
			}
		}
	}
	// A handful: the first refresh at once, then at most one per gap.
	limit := 3 + int(burst/time.Second)
	t.Logf("%d pitches confirmed in %v; %d Home publishes", n, burst.Round(time.Millisecond), publishes)
	if publishes > limit || publishes > 10 {
		t.Errorf("%d views.publish for a burst of %d pitches in %v, want at most %d", publishes, n, burst.Round(time.Millisecond), min(limit, 10))
	}
}
