// Archive module. See README's architecture section.
