// Restore module. See README's architecture section.
