// TestSupport module. See README's architecture section.
