package bot

import (
	"os"
	"runtime/debug"
)

// gcPercent is the garbage collector's target for the bot process. A bot's
// live heap is small (about 10 MiB) and every request allocates, so the
// default of 100 collects every few dozen replies: a quarter of the bot's
// CPU under load. 200 cut the CPU per reply by about a quarter for about
// 3 MiB more peak RSS (pocload, README Performance).
const gcPercent = 200

// TuneGC sets the garbage collector for a process that runs the bot, unless
// GOGC is set in the environment (which then wins, as for any Go program).
// Binaries call it once at start; the library never changes it by itself.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
