package store

import "time"

// WithClock returns a DB on the same file whose writes take their time from
// now instead of Options.Now. Everything else is shared: the view and db
// are one database, so close only db. It exists to record history at past
// times through the normal API (the demo team in store/demo, fixtures).
func (db *DB) WithClock(now func() time.Time) *DB {
	c := *db
	c.now = now
	return &c
}
