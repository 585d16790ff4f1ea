// Postgres module. See README's architecture section.
