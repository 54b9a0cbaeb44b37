package main

import (
	"strings"
	"testing"
	"time"

	"pocbot/store"
)

func TestLoadConfig_IssueSLA(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(getenvFrom(goodEnv()))
	if err != nil || c.IssueSLA != store.DefaultSLAPolicy() || c.botConfig().IssueSLA != store.DefaultSLAPolicy() {
		t.Fatalf("default SLA = %v, %v", c.IssueSLA, err)
	}
	env := goodEnv()
	env["POCBOT_SLA"] = "P1=2h, P4=14d"
	c, err = LoadConfig(getenvFrom(env))
	if err != nil || c.IssueSLA.For(store.P1) != 2*time.Hour || c.IssueSLA.For(store.P2) != 24*time.Hour || c.IssueSLA.For(store.P4) != 14*24*time.Hour {
		t.Fatalf("SLA = %v, %v", c.IssueSLA, err)
	}
	for in, want := range map[string]string{"P1=soon": "not a duration", "P9=1h": "not a priority", "P1:4h": "PRIORITY=DURATION"} {
		env["POCBOT_SLA"] = in
		if _, err := LoadConfig(getenvFrom(env)); err == nil || !strings.Contains(err.Error(), "POCBOT_SLA") || !strings.Contains(err.Error(), want) {
			t.Errorf("POCBOT_SLA=%q: error %v, want one naming POCBOT_SLA and %q", in, err, want)
		}
	}
}
