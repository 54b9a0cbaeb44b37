package bot

import (
	"context"
	"errors"
	"maps"
	"slices"
)

// JobNames returns the names of the scheduled jobs, sorted, for RunJob and
// tools that list them.
func (b *Bot) JobNames() []string {
	return slices.Sorted(maps.Keys(b.sched.jobs))
}

// CatchUpJobs applies the scheduler's start-up catch-up rule now: each job
// whose next slot after its last successful run is already past runs once,
// for the latest such slot. A tool that moves the bot's clock forward calls
// it so the jobs that fell due in between run as they would have.
func (b *Bot) CatchUpJobs(ctx context.Context) error {
	var errs []error
	for _, name := range b.JobNames() {
		if err := b.sched.catchUp(ctx, b.sched.jobs[name]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
