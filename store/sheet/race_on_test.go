//go:build race

package sheet

// raceEnabled: the race detector slows the store ~10 times; big tests shrink.
const raceEnabled = true
