package bot

import "time"

const (
	second = time.Second
	minute = time.Minute
)

var testNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
