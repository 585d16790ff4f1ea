// DDL module. See README's architecture section.
