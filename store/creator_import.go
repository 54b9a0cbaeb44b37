package store

import (
	"context"

	bolt "go.etcd.io/bbolt"
)

// ImportCreators records new creators (a team's existing creator sheet)
// in one transaction, by userID: each keeps DisplayName, Followers,
// Category, Contact and OwnerID as given, is first seen at the store's
// current time, and gets its search entry and an audit entry. Notes are
// ignored. Returns Invalid, writing nothing, for a bad handle, an empty
// userID or a field over its limit, and Conflict for a creator that is
// already recorded or listed twice.
func (db *DB) ImportCreators(ctx context.Context, userID string, cs []Creator) error {
	if err := checkUser(userID); err != nil {
		return err
	}
	for i := range cs {
		c := &cs[i]
		h, err := NormalizeHandle(c.Handle)
		if err != nil {
			return err
		}
		c.Handle = h
		upd := CreatorUpdate{DisplayName: &c.DisplayName, Followers: &c.Followers, Category: &c.Category, Contact: &c.Contact}
		if err := upd.Validate(); err != nil {
			return err
		}
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		seen := make(map[string]bool, len(cs))
		for i := range cs {
			c := &cs[i]
			if seen[c.Handle] || tx.Bucket(bucketCreators).Get([]byte(c.Handle)) != nil {
				return Errorf(Conflict, "@%s is already recorded.", c.Handle)
			}
			seen[c.Handle] = true
			rec := Creator{Handle: c.Handle, OwnerID: c.OwnerID, FirstSeen: now, UpdatedAt: now}
			CreatorUpdate{DisplayName: &c.DisplayName, Followers: &c.Followers, Category: &c.Category, Contact: &c.Contact}.apply(&rec)
			if err := createCreator(tx, &rec, userID); err != nil {
				return err
			}
			c.FirstSeen, c.UpdatedAt, c.Notes = now, now, nil
			c.DisplayName, c.Category, c.Contact = rec.DisplayName, rec.Category, rec.Contact
		}
		return nil
	})
}
