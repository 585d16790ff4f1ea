// Catalog module. See README's architecture section.
