// Dump module. See README's architecture section.
