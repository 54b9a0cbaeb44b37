package main

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// reportFiles are the report's charts shared into channel.
func reportFiles(h *harness, channel string) []fakeslack.File {
	var out []fakeslack.File
	for _, f := range h.Slack.Files() {
		if f.Channel == channel && strings.HasSuffix(f.Filename, ".png") {
			out = append(out, f)
		}
	}
	return out
}

func checkCharts(t *testing.T, files []fakeslack.File) {
	t.Helper()
	if len(files) != 3 {
		t.Fatalf("%d charts, want 3", len(files))
	}
	for _, f := range files {
		img, err := png.Decode(bytes.NewReader(f.Content))
		if err != nil {
			t.Errorf("%s is not a PNG: %v", f.Filename, err)
			continue
		}
		if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 400 || len(f.Content) < 10_000 || len(f.Content) > 1<<20 {
			t.Errorf("%s: %v, %d bytes", f.Filename, b, len(f.Content))
		}
		if len(f.AltText) < 40 || !strings.Contains(f.AltText, "2026") {
			t.Errorf("%s alt text = %q", f.Filename, f.AltText)
		}
		if f.Title == "" || f.Title == f.Filename {
			t.Errorf("%s has no title", f.Filename)
		}
	}
}

func TestE2E_WeeklyReportOnceWithChartsAndOnDemand(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.Slack.SetUser(fakeslack.DirectoryUser{ID: "U1", Name: "sari", RealName: "Sari Dewi"})
	seedTeam(t, h)
	seedWork(t, h)
	h.sinceSunday("report")
	h.Clock.Set(h.at("2026-11-30", "09:00"))
	// Drawing is slow under the race detector on a shared machine.
	jctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := h.Bot.RunJob(jctx, "report", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	files := reportFiles(h, "CDIGEST")
	checkCharts(t, files)
	comment := files[0].InitialComment
	for _, want := range []string{"Weekly report", "23–29 Nov 2026", "Asia/Jakarta", "pitches: 32 of 50 (64%)", "52% overall",
		"*Sari Dewi* — pitches: 19 of 30", "*u2* — pitches: 13 of 21", "2 vouchers issued (Rp1.050.000)", "Issues:* 3 opened, 1 resolved, 1 SLA breach", "Tasks:* 1 done, 0 units done of 600 units"} {
		if !strings.Contains(comment, want) {
			t.Errorf("report text lacks %q:\n%s", want, comment)
		}
	}
	if strings.Contains(comment, "<@") {
		t.Errorf("the channel report mentions people:\n%s", comment)
	}
	for _, c := range h.Slack.Calls("files.getUploadURLExternal") {
		if c.Params["alt_txt"] == "" {
			t.Errorf("upload without alt_txt: %+v", c.Params)
		}
	}

	// A restart that catches the slot up does not post it again.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(h.DBPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetJobLastRun(context.Background(), "report", h.at("2026-11-23", "09:00")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	h2 := MustRunMain(t, h.Slack, h.DBPath)
	waitFor(t, func() bool { return strings.Contains(h2.Logs.String(), "weekly report already posted") })
	if n := len(reportFiles(h2, "CDIGEST")); n != 3 {
		t.Fatalf("%d charts in the channel after the restart, want the first 3 only", n)
	}

	// On demand, privately: the same report in the asker's DM.
	mustContain(t, h2.command("U2", "/target", "report fortnight"), "Say which period")
	mustContain(t, h2.command("U2", "/target", "report 2026-11-30..2026-11-01"), "must not be after")
	mustContain(t, h2.command("U2", "/target", "report 2026-11-30 2026-11-01"), "must not be after")
	mustContain(t, h2.command("U2", "/target", "report"), "23–29 Nov 2026", "your DM")
	// Charts take seconds to draw under the race detector on a shared machine.
	deadline := time.Now().Add(90 * time.Second)
	for len(reportFiles(h2, "DU2")) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	dm := reportFiles(h2, "DU2")
	checkCharts(t, dm)
	if dm[0].InitialComment != comment {
		t.Errorf("the DM report differs from the channel's:\n%s\n---\n%s", dm[0].InitialComment, comment)
	}
}
