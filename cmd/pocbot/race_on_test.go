//go:build race

package main

// raceEnabled: the race detector slows the store ~10 times; big tests shrink.
const raceEnabled = true
