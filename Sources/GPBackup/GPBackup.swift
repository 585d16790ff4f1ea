// GPBackup module. See README's architecture section.
