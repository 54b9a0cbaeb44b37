package fakeslack

// Profile is what users.info says about a user's name. Slack's
// profile.display_name is what the user chose to be called and may be
// empty (clients then show profile.real_name); real_name is always set.
type Profile struct {
	DisplayName string
	RealName    string
}

// SetUserProfile gives a user names for users.info (and changes them, as
// a user editing their profile would); without one, users.info answers
// with the lowercase ID for every name.
func (s *Server) SetUserProfile(id string, p Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profiles == nil {
		s.profiles = map[string]Profile{}
	}
	s.profiles[id] = p
}

// applyProfileLocked puts id's profile, if set, into a users.info user object.
func (s *Server) applyProfileLocked(id string, u map[string]any) {
	p, ok := s.profiles[id]
	if !ok {
		return
	}
	real := p.RealName
	if real == "" {
		real = userName(id)
	}
	u["real_name"] = real
	if prof, ok := u["profile"].(map[string]any); ok {
		prof["real_name"], prof["real_name_normalized"] = real, real
		prof["display_name"], prof["display_name_normalized"] = p.DisplayName, p.DisplayName
	}
}
