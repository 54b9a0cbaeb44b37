package main

import (
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"pocbot/store"
	"pocbot/store/demo"
)

// opsBench runs the bot on a database seeded with the demo team (two
// working weeks of a 7-person team) with the health listener on.
func opsBench(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "demo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Seed(db, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), 1); err != nil {
		b.Fatal(err)
	}
	db.Close()
	h := MustRunMainEnv(b, nil, path, map[string]string{"POCBOT_HTTP_ADDR": "127.0.0.1:0"})
	return "http://" + h.Main.HTTPAddr()
}

func benchGet(b *testing.B, url string) {
	b.Helper()
	b.ResetTimer()
	for range b.N {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkOps_Healthz is the floor: an HTTP round trip that does nothing.
func BenchmarkOps_Healthz(b *testing.B) { benchGet(b, opsBench(b)+"/healthz") }

// BenchmarkOps_Metrics is a full scrape (open issues and outbox read from
// the database at scrape time).
func BenchmarkOps_Metrics(b *testing.B) { benchGet(b, opsBench(b)+"/metrics") }

// BenchmarkOps_Readyz is a readiness check past its 1 s cache: a read and
// an fsynced write.
func BenchmarkOps_Readyz(b *testing.B) {
	url := opsBench(b) + "/readyz"
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		time.Sleep(1010 * time.Millisecond) // past the cache
		b.StartTimer()
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
